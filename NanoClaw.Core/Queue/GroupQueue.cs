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

    // Who waits is known without asking the line: a group waits exactly when it has work and no container (QueueInvariants,
    // WaitingLineProperties). So a group without a container joins the line exactly when it gains work it did not have, and
    // each event looks its group up once per map instead of re-reading the state after every change (issue 16, session 24).

    private static (QueueState, Seq<QueueCommand>) OnMessages(QueueState state, string group)
    {
        // A new inbound message resets the retry count and supersedes any retry timer.
        var current = state.WorkOf(group);
        // Most messages arrive for a group whose messages already wait, with no failure recorded: nothing changes, and the
        // container is not even looked up. The invariants checked after every step (QueueInvariants) say why: an idle, open
        // message container would already have been given these messages, so none can be piped now; and no slot is free
        // while groups wait, so there is nothing to fill (issue 16, second round: one hash lookup instead of two).
        if (current.MessagesPending && current.Failures == 0 && current.RetryScheduled.IsNone)
            return (state, NoCommands);
        var work = current with { MessagesPending = true, Failures = 0, RetryScheduled = None };
        // Pattern matches instead of Option.Match lambdas: this is the hottest path, and closures allocate (issue 16).
        if (state.ContainerOf(group).Case is RunningContainer running)
            return CanPipe(state, running, work)
                ? Pipe(state, group, running, work, current)
                // Busy, closing or a task container: the messages wait (for idle, or for the next container).
                : (state.WithWork(group, work, current), NoCommands);
        var next = state.WithWork(group, work, current);
        return Fill(current.HasWork ? next : next.Joining(group), NoCommands);
    }

    private static (QueueState, Seq<QueueCommand>) OnTaskDue(QueueState state, string group, string taskId)
    {
        var work = state.WorkOf(group);
        // A task already pending changes nothing; checked before the container lookup, which it does not need.
        if (Pending(work.PendingTasks, taskId))
            return (state, NoCommands);
        var running = state.ContainerOf(group).Case as RunningContainer;
        if (running is not null && running.TaskId.Case is string runningTask && runningTask == taskId)
            return (state, NoCommands);

        var withTask = state.WithWork(group, work with { PendingTasks = work.PendingTasks.Add(taskId) }, work);
        if (running is null)
            return Fill(work.HasWork ? withTask : withTask.Joining(group), NoCommands);
        return running.IdleWaiting && !running.CloseRequested
            // Preempt the idle container so the task gets the group's next container.
            ? (withTask.WithContainer(group, running with { CloseRequested = true }), Seq1<QueueCommand>(new CloseContainer(group)))
            : (withTask, NoCommands);
    }

    private static bool Pending(Seq<string> tasks, string taskId)
    {
        // Indexed, not foreach: Seq's enumerator is a heap object, and this runs on every due task (issue 16, session 24).
        for (var i = 0; i < tasks.Count; i++)
            if (tasks[i] == taskId) return true;
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
            ? Pipe(state, group, idle, work, work)
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
        var before = state.WorkOf(group);
        var (work, commands) = running.Kind == ContainerKind.Messages
            ? AfterMessageRun(group, before, outcome)
            : (before, NoCommands);
        var freed = state with { Running = state.Running.Remove(group), Work = state.WorkWith(group, work, before) };
        // The group's own work takes the freed slot first (tasks, then messages); then the waiting line.
        if (work.HasWork && freed.HasFreeSlot)
        {
            var (started, startCommand) = Start(freed, group, work, freed.Waiting);
            return Fill(started, commands.Add(startCommand));
        }
        // It ran, so it did not wait: it joins the line if work is left (the slot is not free only after shutdown).
        return Fill(work.HasWork ? freed.Joining(group) : freed, commands);
    }

    private static (GroupWork, Seq<QueueCommand>) AfterMessageRun(string group, GroupWork work, RunOutcome outcome)
    {
        if (outcome == RunOutcome.Success)
            return (work.Failures == 0 && work.RetryScheduled.IsNone ? work : work with { Failures = 0, RetryScheduled = None }, NoCommands);
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
        if (work.RetryScheduled.Case is not int scheduled || scheduled != attempt)
            return (state, NoCommands);
        var next = state.WithWork(group, work with { MessagesPending = true, RetryScheduled = None }, work);
        // A running container here is a task container (a message container would have cleared the retry): wait for it.
        if (state.Running.ContainsKey(group))
            return (next, NoCommands);
        return Fill(work.HasWork ? next : next.Joining(group), NoCommands);
    }

    private static bool CanPipe(QueueState state, RunningContainer running, GroupWork work) =>
        !state.ShuttingDown && running.Kind == ContainerKind.Messages && running.IdleWaiting && !running.CloseRequested
        && work.MessagesPending && work.PendingTasks.IsEmpty;

    private static (QueueState, Seq<QueueCommand>) Pipe(QueueState state, string group, RunningContainer running, GroupWork work, GroupWork previous) =>
        (state.WithWorkAndContainer(group, work with { MessagesPending = false }, previous, running with { IdleWaiting = false }),
         Seq1<QueueCommand>(new PipeMessages(group)));

    /// <summary>Starts waiting groups, first come first served, while slots are free.</summary>
    private static (QueueState, Seq<QueueCommand>) Fill(QueueState state, Seq<QueueCommand> commands)
    {
        while (state.HasFreeSlot && !state.Waiting.IsEmpty)
        {
            var group = state.Waiting.Head;
            var rest = state.Waiting.Dequeue();
            var work = state.WorkOf(group);
            // Defensive: a group that lost its work or already runs is simply dropped from the line.
            if (!work.HasWork || state.Running.ContainsKey(group))
            {
                state = state with { Waiting = rest };
                continue;
            }
            var (started, command) = Start(state, group, work, rest);
            state = started;
            commands = commands.Add(command);
        }
        return (state, commands);
    }

    /// <summary>
    /// Starts a container for a group that has work (<paramref name="work"/>, its record in <paramref name="state"/>): its oldest
    /// task first, else its messages; <paramref name="waiting"/> becomes the line (one new state, not one per change).
    /// </summary>
    private static (QueueState, QueueCommand) Start(QueueState state, string group, GroupWork work, WaitingLine waiting)
    {
        if (!work.PendingTasks.IsEmpty)
        {
            var taskId = work.PendingTasks.Head;
            return (
                state with
                {
                    Waiting = waiting,
                    Work = state.WorkWith(group, work with { PendingTasks = work.PendingTasks.Tail }, work),
                    Running = state.Running.AddOrUpdate(group, RunningContainer.ForTask(taskId)),
                },
                new StartTaskContainer(group, taskId));
        }
        return (
            state with
            {
                Waiting = waiting,
                // Messages taken and nothing else left (most starts): the group leaves the map without a record built to be dropped.
                Work = state.WorkWith(group, work.PendingTasks.IsEmpty && work.Failures == 0 && work.RetryScheduled.IsNone ? GroupWork.None : work with { MessagesPending = false }, work),
                Running = state.Running.AddOrUpdate(group, RunningContainer.ForMessages),
            },
            new StartMessageContainer(group));
    }
}
