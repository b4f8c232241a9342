using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NanoClaw.AgentRunner.Tasks;

/// <summary>Outcome of a task's pre-check script.</summary>
internal abstract record ScriptOutcome
{
    /// <summary>Wake the agent; <paramref name="Data"/> (JSON text) is added to the prompt when present.</summary>
    public sealed record Wake(string? Data) : ScriptOutcome;

    /// <summary>The script said there is nothing to do.</summary>
    public sealed record Sleep : ScriptOutcome;

    /// <summary>The script failed or printed no verdict; the model is not called.</summary>
    public sealed record Failed(string Reason) : ScriptOutcome;
}

/// <summary>
/// A scheduled task's optional bash script (SPEC §9): it runs before the agent, cheaply deciding whether the
/// model is needed at all. Its last stdout line must be JSON <c>{"wakeAgent": bool, "data"?: any}</c>.
/// </summary>
internal static class TaskScript
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<ScriptOutcome> RunAsync(string script, string workingDirectory, CancellationToken ct)
    {
        var info = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new ScriptOutcome.Failed($"script timed out after {Timeout.TotalMinutes:0} min");
        }
        var err = (await stderr).Trim();
        if (err.Length > 0) Log.Info("task script stderr: " + err);
        if (process.ExitCode != 0) return new ScriptOutcome.Failed($"script exited with code {process.ExitCode}");
        return Verdict(await stdout);
    }

    /// <summary>Reads the verdict from the script's output: the last non-empty line.</summary>
    public static ScriptOutcome Verdict(string stdout)
    {
        var last = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
        if (last is null) return new ScriptOutcome.Failed("script printed nothing; expected {\"wakeAgent\": true|false} as its last line");
        try
        {
            if (JsonNode.Parse(last) is JsonObject verdict && verdict["wakeAgent"] is JsonValue wake && wake.TryGetValue<bool>(out var w))
                return w ? new ScriptOutcome.Wake(verdict["data"]?.ToJsonString(new JsonSerializerOptions { WriteIndented = true })) : new ScriptOutcome.Sleep();
        }
        catch (JsonException) { }
        return new ScriptOutcome.Failed("the script's last line is not {\"wakeAgent\": true|false, \"data\"?: …}");
    }
}
