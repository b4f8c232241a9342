using System.Diagnostics;

namespace NanoClaw.Tests.Shell.Config;

/// <summary>Runs the real <c>nanoclaw</c> executable (the built nanoclaw.dll beside the tests) in a directory.</summary>
public static class NanoclawProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Result Run(string workingDirectory, IDictionary<string, string>? env = null, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nanoclaw.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        // Hermetic: no config overrides leak in from the machine running the tests.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("NANOCLAW_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        if (env is not null) foreach (var (k, v) in env) start.Environment[k] = v;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(true);
            throw new TimeoutException("nanoclaw did not exit within 120 s");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>True when the text looks like a .NET stack trace or an unhandled exception report.</summary>
    public static bool HasStackTrace(string text) =>
        text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase)
        || text.Contains("Exception:", StringComparison.Ordinal);
}
