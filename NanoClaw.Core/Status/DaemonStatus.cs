using LanguageExt;

namespace NanoClaw.Core.Status;

/// <summary>A channel and whether it is connected now.</summary>
/// <param name="Name">The channel's name (<c>whatsapp</c>, <c>local</c>).</param>
/// <param name="Connected">True while it can send and receive.</param>
public sealed record ChannelStatus(string Name, bool Connected);

/// <summary>What the shell knows about a container it started (the router knows only that the group has one).</summary>
/// <param name="Name">The container's name (its run id).</param>
/// <param name="Since">When it was launched.</param>
public sealed record ContainerFacts(Option<string> Name, DateTimeOffset Since);

/// <summary>A running container.</summary>
/// <param name="Group">The group's folder (its jid when the group is no longer registered).</param>
/// <param name="GroupJid">The group's chat jid.</param>
/// <param name="Container">The container's name; none while it is still being started.</param>
/// <param name="Since">When it was launched, when the shell knows.</param>
/// <param name="Busy">True while the agent works on a turn; false while it waits for input.</param>
/// <param name="Closing">True once the container was asked to finish.</param>
/// <param name="TaskId">The scheduled task it runs, for task containers.</param>
public sealed record RunningStatus(string Group, string GroupJid, Option<string> Container, Option<DateTimeOffset> Since, bool Busy,
    bool Closing, Option<string> TaskId);

/// <summary>A group whose work waits for a free container slot.</summary>
/// <param name="Group">The group's folder.</param>
/// <param name="Messages">True when messages wait.</param>
/// <param name="Tasks">Due tasks waiting.</param>
public sealed record WaitingStatus(string Group, bool Messages, int Tasks);

/// <summary>A group with a retry timer set after failed runs.</summary>
/// <param name="Group">The group's folder.</param>
/// <param name="Attempt">The attempt the timer is for.</param>
/// <param name="Failures">Consecutive failed runs so far.</param>
public sealed record RetryStatus(string Group, int Attempt, int Failures);

/// <summary>The next run of an active task.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Group">Its group's folder.</param>
/// <param name="NextRun">When it runs next (ISO-8601 UTC, as stored).</param>
public sealed record NextTaskStatus(string TaskId, string Group, string NextRun);

/// <summary>The last failed run of a group.</summary>
/// <param name="Group">The group's folder.</param>
/// <param name="At">When that run started (ISO-8601 UTC).</param>
/// <param name="Error">What went wrong.</param>
public sealed record GroupErrorStatus(string Group, string At, string Error);

/// <summary>What <c>nanoclaw status</c> shows.</summary>
/// <param name="Channels">Channels and their connection.</param>
/// <param name="Running">Running containers, by group folder.</param>
/// <param name="Waiting">Groups waiting for a slot, in queue order.</param>
/// <param name="Retries">Retries pending, by group folder.</param>
/// <param name="NextTasks">The next task runs, soonest first.</param>
/// <param name="LastErrors">The last error of each group that had one, by group folder.</param>
/// <param name="MaxConcurrent">The container cap.</param>
public sealed record DaemonStatus(
    Seq<ChannelStatus> Channels,
    Seq<RunningStatus> Running,
    Seq<WaitingStatus> Waiting,
    Seq<RetryStatus> Retries,
    Seq<NextTaskStatus> NextTasks,
    Seq<GroupErrorStatus> LastErrors,
    int MaxConcurrent);
