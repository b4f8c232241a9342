using LanguageExt;
using LanguageExt.ClassInstances;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Queue;

/// <summary>What a running container was started for.</summary>
public enum ContainerKind
{
    /// <summary>Answers chat messages; can be piped more messages when idle.</summary>
    Messages,
    /// <summary>Runs one scheduled task; never receives chat messages.</summary>
    Task,
}

/// <summary>A container the queue has started and not yet seen exit.</summary>
/// <param name="Kind">Messages or task container.</param>
/// <param name="TaskId">The task it runs, for task containers.</param>
/// <param name="IdleWaiting">True after the container reported the end of a turn and before it was given more input.</param>
/// <param name="CloseRequested">True once the close sentinel was asked for; nothing is piped afterwards.</param>
public sealed record RunningContainer(ContainerKind Kind, Option<string> TaskId, bool IdleWaiting, bool CloseRequested)
{
    /// <summary>A freshly started message container (busy with its first batch).</summary>
    public static RunningContainer ForMessages { get; } = new(ContainerKind.Messages, None, false, false);

    /// <summary>A freshly started task container.</summary>
    public static RunningContainer ForTask(string taskId) => new(ContainerKind.Task, Some(taskId), false, false);
}

/// <summary>Work a group has that no container has taken yet, and its retry bookkeeping.</summary>
/// <param name="MessagesPending">Messages wait for an agent (a new container, or piping into the idle one).</param>
/// <param name="PendingTasks">Due task ids, oldest first; no duplicates.</param>
/// <param name="Failures">Consecutive failed message runs since the last success or inbound message.</param>
/// <param name="RetryScheduled">The retry attempt a timer is set for, if any.</param>
public sealed record GroupWork(bool MessagesPending, Seq<string> PendingTasks, int Failures, Option<int> RetryScheduled)
{
    /// <summary>No work, no retries.</summary>
    public static GroupWork None { get; } = new(false, Empty, 0, Prelude.None);

    /// <summary>True when a container could be started for this group.</summary>
    public bool HasWork => MessagesPending || !PendingTasks.IsEmpty;

    /// <summary>True when the record carries nothing (such records are not stored, so equal states are equal values).</summary>
    public bool IsEmpty => !MessagesPending && PendingTasks.IsEmpty && Failures == 0 && RetryScheduled.IsNone;
}

/// <summary>The whole group queue: running containers, pending work, first-come waiting line.</summary>
/// <param name="MaxConcurrent">Cap on running containers (at least 1).</param>
/// <param name="Running">Running containers by group jid (so at most one per group). Jids compare ordinally.</param>
/// <param name="Work">Pending work by group jid; groups without any are absent.</param>
/// <param name="Waiting">Groups with work and no container, in the order they started waiting.</param>
/// <param name="ShuttingDown">True after shutdown: nothing new starts or is piped.</param>
public sealed record QueueState(
    int MaxConcurrent,
    HashMap<EqStringOrdinal, string, RunningContainer> Running,
    HashMap<EqStringOrdinal, string, GroupWork> Work,
    WaitingLine Waiting,
    bool ShuttingDown)
{
    /// <summary>An empty queue; a cap below 1 is read as 1 so the queue can always make progress.</summary>
    public static QueueState Initial(int maxConcurrent) =>
        new(Math.Max(1, maxConcurrent), HashMap<EqStringOrdinal, string, RunningContainer>(), HashMap<EqStringOrdinal, string, GroupWork>(), WaitingLine.Empty, false);

    /// <summary>The group's pending work (empty when it has none).</summary>
    public GroupWork WorkOf(string group) => Work.Find(group).Case as GroupWork ?? GroupWork.None;

    /// <summary>The group's running container, if any.</summary>
    public Option<RunningContainer> ContainerOf(string group) => Running.Find(group);

    /// <summary>True when another container may start now.</summary>
    public bool HasFreeSlot => !ShuttingDown && Running.Count < MaxConcurrent;

    /// <summary>The work map with <paramref name="group"/>'s record replaced (removed when empty); the same map when nothing changes.</summary>
    /// <param name="group">The group.</param>
    /// <param name="work">Its new work.</param>
    /// <param name="previous">Its work in this state (<see cref="WorkOf"/>), so the unchanged case costs no lookup and no copy.</param>
    internal HashMap<EqStringOrdinal, string, GroupWork> WorkWith(string group, GroupWork work, GroupWork previous) =>
        // An unchanged record (the same reference) leaves the map as it is: no trie path is copied. An empty record is not stored,
        // and GroupWork.None as the previous record means the group is absent.
        ReferenceEquals(work, previous) || (work.IsEmpty && ReferenceEquals(previous, GroupWork.None)) ? Work
        : work.IsEmpty ? Work.Remove(group) : Work.AddOrUpdate(group, work);

    internal QueueState WithWork(string group, GroupWork work, GroupWork previous) =>
        ReferenceEquals(work, previous) ? this : this with { Work = WorkWith(group, work, previous) };

    internal QueueState WithContainer(string group, RunningContainer container) =>
        this with { Running = Running.AddOrUpdate(group, container) };

    internal QueueState WithWorkAndContainer(string group, GroupWork work, GroupWork previous, RunningContainer container) =>
        this with { Work = WorkWith(group, work, previous), Running = Running.AddOrUpdate(group, container) };

    /// <summary>The state with <paramref name="group"/> at the back of the line; the caller knows it does not wait yet.</summary>
    internal QueueState Joining(string group) => this with { Waiting = Waiting.Append(group) };
}
