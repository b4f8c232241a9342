using CliWrap;
using CliWrap.Buffered;

namespace NanoClaw.Shell.Containers;

/// <summary>Result of a short runtime CLI call.</summary>
public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>True on exit code 0.</summary>
    public bool Ok => ExitCode == 0;

    /// <summary>A one-line reason for logs when the call failed.</summary>
    public string Reason => $"exit {ExitCode}: {FirstLine(StandardError.Length > 0 ? StandardError : StandardOutput)}";

    private static string FirstLine(string s)
    {
        var t = s.Trim();
        var nl = t.IndexOf('\n');
        return nl < 0 ? t : t[..nl];
    }
}

/// <summary>Runs short CLI commands (info, stop, kill, ps) with a time limit; never throws for a failing or missing program.</summary>
internal static class ProcessRunner
{
    public static async Task<CliResult> RunAsync(string executable, IEnumerable<string> args, TimeSpan limit, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            var r = await CliWrap.Cli.Wrap(executable).WithArguments(args).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token);
            return new CliResult(r.ExitCode, r.StandardOutput, r.StandardError);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new CliResult(-1, "", $"{executable} did not answer within {limit.TotalSeconds:0} s");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new CliResult(-1, "", $"cannot start {executable}: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            return new CliResult(-1, "", $"cannot start {executable}: {e.Message}");
        }
    }
}
