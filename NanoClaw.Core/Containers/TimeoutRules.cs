using LanguageExt;

namespace NanoClaw.Core.Containers;

/// <summary>How a container run ended, per SPEC §7.</summary>
/// <param name="ExitCode">The process exit code (after a stop, whatever the runtime reported).</param>
/// <param name="TimedOut">True when the hard timeout stopped it.</param>
/// <param name="HadOutput">True when at least one output record arrived.</param>
/// <param name="Status">Success or error.</param>
/// <param name="Error">Why it is an error, if it is.</param>
/// <param name="Duration">Wall time from start to exit.</param>
public sealed record ContainerRunResult(int ExitCode, bool TimedOut, bool HadOutput, OutputStatus Status, Option<string> Error, TimeSpan Duration);

/// <summary>Timeout and outcome rules of a container run.</summary>
public static class TimeoutRules
{
    /// <summary>Grace the hard timeout keeps above the idle timeout, so idle clean-up always comes first.</summary>
    public static readonly TimeSpan IdleGrace = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The hard timeout: max(group timeout, or the configured <c>timeout_ms</c> when the group has none, idle timeout + 30 s).
    /// It restarts at every output record.
    /// </summary>
    public static TimeSpan HardTimeout(Option<int> groupTimeoutMs, int defaultTimeoutMs, int idleTimeoutMs)
    {
        var configured = TimeSpan.FromMilliseconds(Math.Max(0, groupTimeoutMs.IfNone(defaultTimeoutMs)));
        var floor = TimeSpan.FromMilliseconds(Math.Max(0, idleTimeoutMs)) + IdleGrace;
        return configured > floor ? configured : floor;
    }

    /// <summary>
    /// The outcome: a timeout after some output is a success (the agent was idle and got cleaned up); a timeout with
    /// no output is an error; otherwise a non-zero exit is an error and zero a success.
    /// </summary>
    public static ContainerRunResult Outcome(int exitCode, bool timedOut, bool hadOutput, TimeSpan duration, TimeSpan hardTimeout) =>
        timedOut
            ? hadOutput
                ? new(exitCode, true, true, OutputStatus.Success, Option<string>.None, duration)
                : new(exitCode, true, false, OutputStatus.Error, $"container timed out after {hardTimeout.TotalMilliseconds:0} ms with no output", duration)
            : exitCode != 0
                ? new(exitCode, false, hadOutput, OutputStatus.Error, $"container exited with code {exitCode}", duration)
                : new(exitCode, false, hadOutput, OutputStatus.Success, Option<string>.None, duration);
}
