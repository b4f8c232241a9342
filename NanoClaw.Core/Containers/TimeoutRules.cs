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

/// <summary>Why the host stopped a run, if it did.</summary>
public enum StopCause
{
    /// <summary>The host did not stop it (it ended on its own, or the runtime killed it).</summary>
    None,
    /// <summary>The hard timeout (restarted by every output record) passed.</summary>
    HardTimeout,
    /// <summary>The absolute maximum run time (<c>container.max_run_ms</c>) passed; output never extends it.</summary>
    MaxRunTime,
    /// <summary>The host stopped it for another reason (shutdown).</summary>
    Requested,
}

/// <summary>Timeout and outcome rules of a container run.</summary>
public static class TimeoutRules
{
    /// <summary>Exit code of a process ended by SIGKILL (128 + 9): what the kernel's OOM killer leaves.</summary>
    public const int KilledExitCode = 137;

    /// <summary>Shortest margin the agent runner waits past the idle timeout before it ends on its own.</summary>
    public static readonly TimeSpan MinRunnerMargin = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The absolute maximum run time: <c>container.max_run_ms</c>, counted from the start and never restarted. It is a
    /// ceiling over the hard timeout, so a group's larger <c>timeoutMs</c> does not lift it.
    /// </summary>
    public static TimeSpan MaxRun(int maxRunMs) => TimeSpan.FromMilliseconds(Math.Max(0, maxRunMs));

    /// <summary>
    /// How long the agent runner itself waits for input after a turn before it ends the run on its own (issue 20's
    /// safety net for a host that is gone): the idle timeout plus a margin of the idle timeout itself, at least
    /// <see cref="MinRunnerMargin"/> and at most <see cref="IdleGrace"/>. The host closes an idle agent at the idle
    /// timeout, so while it lives it always comes first; the margin covers the delay of records on their way out.
    /// </summary>
    public static TimeSpan RunnerIdleLimit(int idleTimeoutMs)
    {
        var idle = TimeSpan.FromMilliseconds(Math.Max(0, idleTimeoutMs));
        var margin = idle < MinRunnerMargin ? MinRunnerMargin : idle > IdleGrace ? IdleGrace : idle;
        return idle + margin;
    }

    /// <summary>
    /// When the agent runner gives up whatever it is doing: the maximum run time plus <see cref="IdleGrace"/>, so the
    /// host (whose clock started first) always stops the run first while it lives.
    /// </summary>
    public static TimeSpan RunnerMaxRun(int maxRunMs) => MaxRun(maxRunMs) + IdleGrace;
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
    /// The outcome with the reasons spelled out: a stop at the maximum run time is always an error (the run was cut,
    /// output or not); a hard timeout after output is a success (an idle agent cleaned up), without output an error;
    /// otherwise a non-zero exit is an error, and 137 with no stop from the host means the runtime killed the
    /// container (with a memory limit, the OOM killer). <paramref name="lastStderr"/>, when not empty, is quoted.
    /// </summary>
    public static ContainerRunResult Outcome(
        int exitCode, StopCause stop, bool hadOutput, TimeSpan duration, TimeSpan hardTimeout, TimeSpan maxRun, ContainerLimits limits, string lastStderr)
    {
        var tail = lastStderr.Trim();
        var said = tail.Length == 0 ? "" : $" (last error output: {tail})";
        return stop switch
        {
            StopCause.MaxRunTime => new(exitCode, true, hadOutput, OutputStatus.Error,
                $"container stopped at its maximum run time of {maxRun.TotalSeconds:0} s (container.max_run_ms){(hadOutput ? "" : " with no output")}", duration),
            StopCause.HardTimeout => Outcome(exitCode, true, hadOutput, duration, hardTimeout),
            StopCause.Requested => Outcome(exitCode, false, hadOutput, duration, hardTimeout),
            _ when exitCode == KilledExitCode => new(exitCode, false, hadOutput, OutputStatus.Error,
                limits.Memory.Length > 0
                    ? $"container was killed (exit {exitCode}, SIGKILL): most likely it ran out of memory (container.memory is {limits.Memory}){said}"
                    : $"container was killed (exit {exitCode}, SIGKILL){said}", duration),
            _ when exitCode != 0 => new(exitCode, false, hadOutput, OutputStatus.Error, $"container exited with code {exitCode}{said}", duration),
            _ => Outcome(exitCode, false, hadOutput, duration, hardTimeout),
        };
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
