using LanguageExt;
using static LanguageExt.Prelude;
using static NanoClaw.Core.Queue.QueueCommand;
using static NanoClaw.Core.Queue.QueueEvent;

namespace NanoClaw.Core.Queue;

/// <summary>
/// The group queue of SPEC §6 as a pure, total state machine: <c>(state, event) → (state, commands)</c>.
/// Events for groups the queue does not know (an exit with no running container, a stale retry timer)
/// change nothing and produce no commands.
/// </summary>
public static class GroupQueue
{
    private static readonly Seq<QueueCommand> NoCommands = Empty;

    /// <summary>Applies one event.</summary>
    /// <param name="state">Current state.</param>
    /// <param name="e">What happened.</param>
    /// <returns>The next state and the commands to perform, in order.</returns>
    public static (QueueState State, Seq<QueueCommand> Commands) Update(QueueState state, QueueEvent e) => e switch
    {
        MessagesArrived m => OnMessages(state, m.Group),
        TaskDue t => OnTaskDue(state, t.Group, t.TaskId),
        ContainerIdle i => OnIdle(state, i.Group),
        ContainerExited x => OnExited(state, x.Group, x.Outcome),
        RetryDue r => OnRetryDue(state, r.Group, r.Attempt),
        IdleExpired i => Close(state, i.Group, onlyIfIdle: true),
        CloseDue c => Close(state, c.Group, onlyIfIdle: false),
        Shutdown => (state with { ShuttingDown = true }, NoCommands),
        _ => (state, NoCommands),
    };

    private static (QueueState, Seq<QueueCommand>) OnMessages(QueueState state, string group)
    {
        // A new inbound message resets the retry count and supersedes any retry timer.
        var current = state.WorkOf(group);
        // Most messages arrive for a group whose messages already wait: then the work record is kept as it is (the same
        // reference), so WithWork leaves the maps alone and the event costs no allocation of the state (issue 16).
        var work = current.MessagesPending && current.Failures == 0 && current.RetryScheduled.IsNone
            ? current
            : current with { MessagesPending = true, Failures = 0, RetryScheduled = None };
        // Pattern matches instead of Option.Match lambdas: this is the hottest path, and closures allocate (issue 16).
        if (state.ContainerOf(group).Case is RunningContainer running)
            return CanPipe(state, running, work)
                ? Pipe(state, group, running, work)
                // Busy, closing or a task container: the messages wait (for idle, or for the next container).
                : (state.WithWork(group, work), NoCommands);
        return Fill(Enqueue(state.WithWork(group, work), group), NoCommands);
    }

    private static (QueueState, Seq<QueueCommand>) OnTaskDue(QueueState state, string group, string taskId)
    {
        var work = state.WorkOf(group);
        var running = state.ContainerOf(group).Case as RunningContainer;
        if (Pending(work.PendingTasks, taskId) || (running is not null && running.TaskId.Case is string runningTask && runningTask == taskId))
            return (state, NoCommands);

        var withTask = state.WithWork(group, work with { PendingTasks = work.PendingTasks.Add(taskId) });
        if (running is null)
            return Fill(Enqueue(withTask, group), NoCommands);
        return running.IdleWaiting && !running.CloseRequested
            // Preempt the idle container so the task gets the group's next container.
            ? (withTask.WithContainer(group, running with { CloseRequested = true }), Seq1<QueueCommand>(new CloseContainer(group)))
            : (withTask, NoCommands);
    }

    private static bool Pending(Seq<string> tasks, string taskId)
    {
        foreach (var t in tasks)
            if (t == taskId) return true;
        return false;
    }

    private static (QueueState, Seq<QueueCommand>) OnIdle(QueueState state, string group)
    {
        if (state.ContainerOf(group).Case is not RunningContainer running)
            return (state, NoCommands);
        var work = state.WorkOf(group);
        var idle = running with { IdleWaiting = true };
        if (running.CloseRequested)
            return (state.WithContainer(group, idle), NoCommands);
        if (!work.PendingTasks.IsEmpty)
            return (state.WithContainer(group, idle with { CloseRequested = true }), Seq1<QueueCommand>(new CloseContainer(group)));
        return CanPipe(state, idle, work)
            ? Pipe(state, group, idle, work)
            : (state.WithContainer(group, idle), NoCommands);
    }

    /// <summary>Marks the container closing and asks for its close sentinel; from then on nothing is piped into it.</summary>
    private static (QueueState, Seq<QueueCommand>) Close(QueueState state, string group, bool onlyIfIdle) =>
        state.ContainerOf(group).Case is RunningContainer running && !running.CloseRequested && (running.IdleWaiting || !onlyIfIdle)
            ? (state.WithContainer(group, running with { CloseRequested = true }), Seq1<QueueCommand>(new CloseContainer(group)))
            : (state, NoCommands);

    private static (QueueState, Seq<QueueCommand>) OnExited(QueueState state, string group, RunOutcome outcome)
    {
        if (state.ContainerOf(group).Case is not RunningContainer running)
            return (state, NoCommands);
        var freed = state with { Running = state.Running.Remove(group) };
        var (work, commands) = running.Kind == ContainerKind.Messages
            ? AfterMessageRun(group, freed.WorkOf(group), outcome)
            : (freed.WorkOf(group), NoCommands);
        var next = freed.WithWork(group, work);
        // The group's own work takes the freed slot first (tasks, then messages); then the waiting line.
        if (work.HasWork && next.HasFreeSlot)
        {
            var (started, startCommand) = Start(next, group);
            return Fill(started, commands.Add(startCommand));
        }
        return Fill(Enqueue(next, group), commands);
    }

    private static (GroupWork, Seq<QueueCommand>) AfterMessageRun(string group, GroupWork work, RunOutcome outcome)
    {
        if (outcome == RunOutcome.Success)
            return (work with { Failures = 0, RetryScheduled = None }, NoCommands);
        var failures = work.Failures + 1;
        // Messages of a failed run wait for the retry timer (or for a new inbound message).
        return failures <= RetryBackoff.MaxRetries
            ? (work with { MessagesPending = false, Failures = failures, RetryScheduled = Some(failures) },
                Seq1<QueueCommand>(new ScheduleRetry(group, RetryBackoff.DelayFor(failures), failures)))
            : (work with { MessagesPending = false, Failures = 0, RetryScheduled = None },
                Seq1<QueueCommand>(new RetriesExhausted(group)));
    }

    private static (QueueState, Seq<QueueCommand>) OnRetryDue(QueueState state, string group, int attempt)
    {
        var work = state.WorkOf(group);
        if (work.RetryScheduled != Some(attempt))
            return (state, NoCommands);
        var next = state.WithWork(group, work with { MessagesPending = true, RetryScheduled = None });
        // A running container here is a task container (a message container would have cleared the retry): wait for it.
        return state.Running.ContainsKey(group)
            ? (next, NoCommands)
            : Fill(Enqueue(next, group), NoCommands);
    }

    private static bool CanPipe(QueueState state, RunningContainer running, GroupWork work) =>
        !state.ShuttingDown && running.Kind == ContainerKind.Messages && running.IdleWaiting && !running.CloseRequested
        && work.MessagesPending && work.PendingTasks.IsEmpty;

    private static (QueueState, Seq<QueueCommand>) Pipe(QueueState state, string group, RunningContainer running, GroupWork work) =>
        (state.WithWork(group, work with { MessagesPending = false })
              .WithContainer(group, running with { IdleWaiting = false }),
         Seq1<QueueCommand>(new PipeMessages(group)));

    /// <summary>Puts a group without a container at the back of the waiting line, once.</summary>
    private static QueueState Enqueue(QueueState state, string group) =>
        state.WorkOf(group).HasWork && !state.Running.ContainsKey(group) && !state.Waiting.Contains(group)
            ? state with { Waiting = state.Waiting.Enqueue(group) }
            : state;

    /// <summary>Starts waiting groups, first come first served, while slots are free.</summary>
    private static (QueueState, Seq<QueueCommand>) Fill(QueueState state, Seq<QueueCommand> commands)
    {
        while (state.HasFreeSlot && !state.Waiting.IsEmpty)
        {
            var group = state.Waiting.Head;
            var rest = state with { Waiting = state.Waiting.Dequeue() };
            // Defensive: a group that lost its work or already runs is simply dropped from the line.
            if (!rest.WorkOf(group).HasWork || rest.Running.ContainsKey(group))
            {
                state = rest;
                continue;
            }
            var (started, command) = Start(rest, group);
            state = started;
            commands = commands.Add(command);
        }
        return (state, commands);
    }

    /// <summary>Starts a container for a group that has work: its oldest task first, else its messages.</summary>
    private static (QueueState, QueueCommand) Start(QueueState state, string group)
    {
        var work = state.WorkOf(group);
        if (!work.PendingTasks.IsEmpty)
        {
            var taskId = work.PendingTasks.Head;
            return (
                state.WithWork(group, work with { PendingTasks = work.PendingTasks.Tail })
                     .WithContainer(group, RunningContainer.ForTask(taskId)),
                new StartTaskContainer(group, taskId));
        }
        return (
            state.WithWork(group, work with { MessagesPending = false })
                 .WithContainer(group, RunningContainer.ForMessages),
            new StartMessageContainer(group));
    }
}
