using NanoClaw.Core.Containers;

namespace NanoClaw.Core.Usage;

/// <summary>The outcome words of a stored container run.</summary>
public static class RunOutcomes
{
    /// <summary>Started, not yet exited (or the daemon stopped before it saw the exit).</summary>
    public const string Running = "running";

    /// <summary>Exited cleanly.</summary>
    public const string Success = "success";

    /// <summary>Stopped by the hard timeout or the maximum run time and counted as failed (a timeout after output is a success).</summary>
    public const string Timeout = "timeout";

    /// <summary>Failed (non-zero exit, the agent's error, or could not start).</summary>
    public const string Error = "error";

    /// <summary>The word for a finished run.</summary>
    public static string Of(ContainerRunResult result) =>
        result.Status == OutputStatus.Success ? Success : result.TimedOut ? Timeout : Error;
}
