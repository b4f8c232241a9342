using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Queue;
using NanoClaw.Core.Routing;
using static LanguageExt.Prelude;
using Output = NanoClaw.Core.Containers.ContainerOutput;
using OutputStatus = NanoClaw.Core.Containers.OutputStatus;

namespace NanoClaw.Core.Pipeline;

/// <summary>
/// The orchestrator: routing rules (SPEC §5) on top of the group queue (SPEC §6), as one pure fold
/// <c>(state, event) → (state, decisions)</c>. Total: events about unknown groups or containers change nothing.
/// </summary>
/// <remarks>
/// Cursor handling: the in-memory agent cursor moves as soon as a batch is given to an agent, so the same messages
/// are never given twice; the stored cursor (<see cref="Decision.AdvanceCursor"/>) moves only once the batch is
/// answered (first text sent, end of turn, or a successful exit). A crash mid-run therefore leaves the batch after
/// the stored cursor and startup recovery runs it again; a failed run that sent nothing rolls the in-memory cursor back.
/// </remarks>
public static class Router
{
    private static readonly Seq<Decision> None_ = Seq<Decision>();

    /// <summary>Applies one event.</summary>
    /// <param name="state">Current state.</param>
    /// <param name="e">What happened.</param>
    /// <returns>The next state and the decisions to perform, in order.</returns>
    public static (RouterState State, Seq<Decision> Decisions) Update(RouterState state, PipelineEvent e) => e switch
    {
        PipelineEvent.MessageStored m => OnMessage(state, m.Message),
        PipelineEvent.GroupsChanged g => (state with { Groups = RouterState.Ordinal(g.Groups) }, None_),
        PipelineEvent.ContainerOutput o => OnOutput(state, o.Group, o.Output),
        PipelineEvent.ContainerExited x => OnExited(state, x.Group, x.Success),
        PipelineEvent.TaskDue t => OnTaskDue(state, t.Task),
        PipelineEvent.RetryTimerFired r => ToQueue(state, new QueueEvent.RetryDue(r.Group, r.Attempt), None_),
        PipelineEvent.Shutdown => ToQueue(state, new QueueEvent.Shutdown(), None_),
        PipelineEvent.AllowlistChanged a => (state.WithAllowlist(a.Allowlist), None_),
        _ => (state, None_),
    };

    private static (RouterState, Seq<Decision>) OnMessage(RouterState state, ChatMessage message)
    {
        var chat = message.ChatJid;
        if (state.Groups.Find(chat).Case is not RegisteredGroup group) return (state, None_);
        if (string.CompareOrdinal(message.Timestamp, state.CursorOf(chat)) <= 0) return (state, None_);

        var pending = state.Unprocessed.Find(chat).IfNone(Seq<ChatMessage>());
        // The safety poll may report a message twice.
        if (ContainsId(pending, message.Id)) return (state, None_);
        pending = pending.Add(message);
        if (pending.Count > state.Config.MaxPendingPerChat) pending = pending.Skip(pending.Count - state.Config.MaxPendingPerChat);
        var next = state with { Unprocessed = state.Unprocessed.AddOrUpdate(chat, pending) };

        // Untriggered messages just wait in Unprocessed; they ride along with the next batch that wakes the agent.
        return BatchRules.WouldWake(group, pending, next.CursorOf(chat), state.Config.Trigger, state.Config.Allowlist.MayTrigger)
            ? ToQueue(next, new QueueEvent.MessagesArrived(chat), None_)
            : (next, None_);
    }

    private static (RouterState, Seq<Decision>) OnOutput(RouterState state, string groupJid, Output output)
    {
        if (state.Runs.Find(groupJid).Case is not ActiveRun run) return (state, None_);
        var decisions = None_;
        output.NewSessionId.IfSome(id => decisions = decisions.Add(new Decision.SaveSession(run.Group.Folder, id)));
        if (output.Status == OutputStatus.Error)
            run = run with { Error = output.Error.IfNone("agent reported an error") };

        if (output.Result.Case is string result)
        {
            run = run with { FirstResult = run.FirstResult.IsSome ? run.FirstResult : Some(result) };
            if (OutboundRules.Prepare(result, state.Config.Assistant).Case is string text)
            {
                (state, decisions) = Commit(state, groupJid, run, decisions);
                run = state.Runs.Find(groupJid).IfNone(run) with { OutputSent = true };
                decisions = decisions.Add(new Decision.SendMessage(ChatOf(run, groupJid), text));
            }
            if (run.Task.IsSome && !run.CloseScheduled)
            {
                run = run with { CloseScheduled = true };
                decisions = decisions.Add(new Decision.CloseTaskContainerAfter(groupJid, state.Config.TaskCloseDelay));
            }
            return (Prune(state with { Runs = state.Runs.AddOrUpdate(groupJid, run) }, groupJid), decisions);
        }

        if (output.Status == OutputStatus.Error)
            return (state with { Runs = state.Runs.AddOrUpdate(groupJid, run) }, decisions);

        // A success without a result: the turn ended and the agent waits for input.
        if (run.Error.IsNone) (state, decisions) = Commit(state, groupJid, run, decisions);
        else state = state with { Runs = state.Runs.AddOrUpdate(groupJid, run) };
        if (run.Task.IsNone) decisions = decisions.Add(new Decision.SetTyping(groupJid, false));
        return ToQueue(Prune(state, groupJid), new QueueEvent.ContainerIdle(groupJid), decisions);
    }

    private static (RouterState, Seq<Decision>) OnExited(RouterState state, string groupJid, bool exitedCleanly)
    {
        if (state.Runs.Find(groupJid).Case is not ActiveRun run)
            return ToQueue(state, new QueueEvent.ContainerExited(groupJid, exitedCleanly ? RunOutcome.Success : RunOutcome.Failure), None_);

        // A container that answered earlier turns and then quit cleanly while a batch was being piped in never saw
        // that batch: roll back to before it and run it again at once (committing here would lose it).
        var rerun = exitedCleanly && run.Error.IsNone && run.Task.IsNone && run.RollbackCursor.IsSome && run.FirstResult.IsSome;
        var success = exitedCleanly && run.Error.IsNone;
        var decisions = None_;
        if (run.Task.Case is ScheduledTask task)
        {
            var error = success ? Option<string>.None : run.Error.IsSome ? run.Error : Some("container exited with an error");
            decisions = decisions.Add(new Decision.TaskFinished(task, success, run.FirstResult, error));
        }
        else
        {
            if (success && !rerun) (state, decisions) = Commit(state, groupJid, run, decisions);
            else state = run.RollbackCursor.Case is string previous
                // Nothing was sent for the unanswered input: hand it to the retry again.
                ? WithCursor(state, groupJid, CursorRules.AfterAgentRun(previous, state.CursorOf(groupJid), succeeded: false, outputSent: false))
                : state;
            decisions = decisions.Add(new Decision.SetTyping(groupJid, false));
        }
        var next = Prune(state with { Runs = state.Runs.Remove(groupJid) }, groupJid);
        var exited = ToQueue(next, new QueueEvent.ContainerExited(groupJid, success ? RunOutcome.Success : RunOutcome.Failure), decisions);
        return rerun ? ToQueue(exited.Item1, new QueueEvent.MessagesArrived(groupJid), exited.Item2) : exited;
    }

    private static (RouterState, Seq<Decision>) OnTaskDue(RouterState state, ScheduledTask task)
    {
        if (task.Status != Domain.TaskStatus.Active) return (state, None_);
        var folder = GroupFolder.Validate(task.GroupFolder);
        if (folder.IsLeft)
            return (state, Seq1<Decision>(new Decision.TaskFinished(task, false, None,
                Some("invalid group folder: " + folder.Match(Right: _ => "", Left: reason => reason)))));
        if (state.Groups.Values.Find(g => g.Folder == task.GroupFolder).Case is not RegisteredGroup group)
            return (state, Seq1<Decision>(new Decision.TaskFinished(task, false, None, Some($"group '{task.GroupFolder}' is not registered"))));

        var running = state.Runs.Find(group.Jid).Bind(r => r.Task).Exists(t => t.Id == task.Id);
        if (running) return (state, None_);
        var (next, decisions) = ToQueue(state with { DueTasks = state.DueTasks.AddOrUpdate(task.Id, task) },
            new QueueEvent.TaskDue(group.Jid, task.Id), None_);
        return (next, decisions);
    }

    private static bool ContainsId(Seq<ChatMessage> messages, string id)
    {
        foreach (var m in messages)
            if (m.Id == id) return true;
        return false;
    }

    /// <summary>Feeds the queue and performs its commands, which may feed the queue again.</summary>
    private static (RouterState, Seq<Decision>) ToQueue(RouterState state, QueueEvent e, Seq<Decision> decisions)
    {
        var (queue, commands) = GroupQueue.Update(state.Queue, e);
        state = state with { Queue = queue };
        foreach (var command in commands)
            (state, decisions) = Perform(state, command, decisions);
        return (state, decisions);
    }

    private static (RouterState, Seq<Decision>) Perform(RouterState state, QueueCommand command, Seq<Decision> decisions) => command switch
    {
        QueueCommand.StartMessageContainer s => StartMessages(state, s.Group, decisions),
        QueueCommand.StartTaskContainer t => StartTask(state, t.Group, t.TaskId, decisions),
        QueueCommand.PipeMessages p => PipeMessages(state, p.Group, decisions),
        QueueCommand.CloseContainer c => (state, decisions.Add(new Decision.WriteClose(c.Group))),
        QueueCommand.ScheduleRetry r => (state, decisions.Add(new Decision.ScheduleRetry(r.Group, r.Delay, r.Attempt))),
        QueueCommand.RetriesExhausted r => (state, decisions.Add(new Decision.RetriesExhausted(r.Group))),
        _ => (state, decisions),
    };

    private static (RouterState, Seq<Decision>) StartMessages(RouterState state, string groupJid, Seq<Decision> decisions)
    {
        var batch = state.BatchOf(groupJid);
        if (state.Groups.Find(groupJid).Case is not RegisteredGroup group || batch.IsEmpty)
            // Nothing to give an agent (group gone, or the batch was already handled): release the slot at once.
            return ToQueue(state, new QueueEvent.ContainerExited(groupJid, RunOutcome.Success), decisions);

        var previous = state.CursorOf(groupJid);
        var run = new ActiveRun(group, None, Some(previous), false, None, None, false);
        var next = WithCursor(state, groupJid, batch.Last.Timestamp) with { Runs = state.Runs.AddOrUpdate(groupJid, run) };
        return (next, decisions
            .Add(new Decision.SetTyping(groupJid, true))
            .Add(new Decision.LaunchContainer(groupJid, group.Folder, PromptFormatter.Format(batch, state.Config.Zone), group.IsMain, false, None)));
    }

    private static (RouterState, Seq<Decision>) StartTask(RouterState state, string groupJid, string taskId, Seq<Decision> decisions)
    {
        var task = state.DueTasks.Find(taskId);
        var rest = state with { DueTasks = state.DueTasks.Remove(taskId) };
        if (task.Case is not ScheduledTask t)
            return ToQueue(rest, new QueueEvent.ContainerExited(groupJid, RunOutcome.Success), decisions);
        if (state.Groups.Find(groupJid).Case is not RegisteredGroup group)
            return ToQueue(rest, new QueueEvent.ContainerExited(groupJid, RunOutcome.Success),
                decisions.Add(new Decision.TaskFinished(t, false, None, Some($"group '{t.GroupFolder}' is not registered"))));

        var run = new ActiveRun(group, Some(t), None, false, None, None, false);
        return (rest with { Runs = rest.Runs.AddOrUpdate(groupJid, run) },
            decisions.Add(new Decision.LaunchContainer(groupJid, group.Folder, t.Prompt, group.IsMain, true, Some(t))));
    }

    private static (RouterState, Seq<Decision>) PipeMessages(RouterState state, string groupJid, Seq<Decision> decisions)
    {
        var batch = state.BatchOf(groupJid);
        if (state.Runs.Find(groupJid).Case is not ActiveRun run || batch.IsEmpty)
            // Nothing new to give: the container is still idle.
            return ToQueue(state, new QueueEvent.ContainerIdle(groupJid), decisions);

        var previous = state.CursorOf(groupJid);
        var piped = run with { RollbackCursor = run.RollbackCursor.IsSome ? run.RollbackCursor : Some(previous) };
        var next = WithCursor(state, groupJid, batch.Last.Timestamp) with { Runs = state.Runs.AddOrUpdate(groupJid, piped) };
        return (next, decisions
            .Add(new Decision.WriteInput(groupJid, PromptFormatter.Format(batch, state.Config.Zone)))
            .Add(new Decision.SetTyping(groupJid, true)));
    }

    /// <summary>Stores the cursor of everything given so far, once, when it is answered.</summary>
    private static (RouterState, Seq<Decision>) Commit(RouterState state, string groupJid, ActiveRun run, Seq<Decision> decisions)
    {
        var committed = run with { RollbackCursor = None };
        var next = state with { Runs = state.Runs.AddOrUpdate(groupJid, committed) };
        return run.RollbackCursor.IsSome && run.Task.IsNone
            ? (next, decisions.Add(new Decision.AdvanceCursor(groupJid, state.CursorOf(groupJid))))
            : (next, decisions);
    }

    private static RouterState WithCursor(RouterState state, string chat, string cursor) =>
        state with { AgentCursors = state.AgentCursors.AddOrUpdate(chat, cursor) };

    /// <summary>Forgets messages no batch or roll-back can need any more.</summary>
    private static RouterState Prune(RouterState state, string chat)
    {
        if (state.Unprocessed.Find(chat).Case is not Seq<ChatMessage> pending) return state;
        var floor = state.Runs.Find(chat).Bind(r => r.RollbackCursor).IfNone(state.CursorOf(chat));
        var kept = pending.Filter(m => string.CompareOrdinal(m.Timestamp, floor) > 0);
        return state with { Unprocessed = kept.IsEmpty ? state.Unprocessed.Remove(chat) : state.Unprocessed.AddOrUpdate(chat, kept) };
    }

    private static string ChatOf(ActiveRun run, string groupJid) => run.Task.Map(t => t.ChatJid).IfNone(groupJid);
}
