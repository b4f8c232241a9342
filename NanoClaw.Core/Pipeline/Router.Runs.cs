using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Queue;
using NanoClaw.Core.Routing;
using static LanguageExt.Prelude;
using Output = NanoClaw.Core.Containers.ContainerOutput;
using OutputStatus = NanoClaw.Core.Containers.OutputStatus;

namespace NanoClaw.Core.Pipeline;

/// <summary>Runs: launching, piping, closing, their output and their exit.</summary>
public static partial class Router
{
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
            if (run.Task.IsSome && !run.TaskCloseArmed)
            {
                run = run with { TaskCloseArmed = true };
                decisions = decisions.Add(new Decision.ArmTimer(new TimerKey.TaskClose(groupJid, run.Id), state.Config.TaskCloseDelay));
            }
            return (Prune(WithRun(state, groupJid, run), groupJid), decisions);
        }

        if (output.Status == OutputStatus.Error)
            return (WithRun(state, groupJid, run), decisions);

        // A success without a result: the turn ended and the agent waits for input.
        run = run with { Turn = run.Turn + 1 };
        if (run.Error.IsNone) (state, decisions) = Commit(state, groupJid, run, decisions);
        else state = WithRun(state, groupJid, run);
        if (run.Task.IsNone) decisions = decisions.Add(new Decision.SetTyping(groupJid, false));
        (state, decisions) = ToQueue(Prune(state, groupJid), new QueueEvent.ContainerIdle(groupJid), decisions);
        return ArmIdleIfWaiting(state, groupJid, decisions);
    }

    /// <summary>An agent left waiting for input (not given more, not being closed) gets an idle timer for this turn.</summary>
    private static (RouterState, Seq<Decision>) ArmIdleIfWaiting(RouterState state, string groupJid, Seq<Decision> decisions)
    {
        if (state.Runs.Find(groupJid).Case is not ActiveRun run
            || state.Queue.ContainerOf(groupJid).Case is not RunningContainer { IdleWaiting: true, CloseRequested: false })
            return (state, decisions);
        return (WithRun(state, groupJid, run with { IdleArmed = true }),
            decisions.Add(new Decision.ArmTimer(new TimerKey.IdleExpiry(groupJid, run.Id, run.Turn), state.Config.IdleTimeout)));
    }

    private static (RouterState, Seq<Decision>) OnExited(RouterState state, string groupJid, bool exitedCleanly)
    {
        if (state.Runs.Find(groupJid).Case is not ActiveRun run)
            return ToQueue(state, new QueueEvent.ContainerExited(groupJid, exitedCleanly ? RunOutcome.Success : RunOutcome.Failure), None_);

        // A container that answered earlier turns and then quit cleanly while a batch was being piped in never saw
        // that batch: roll back to before it and run it again at once (committing here would lose it).
        var rerun = exitedCleanly && run.Error.IsNone && run.Task.IsNone && run.RollbackCursor.IsSome && run.FirstResult.IsSome;
        var success = exitedCleanly && run.Error.IsNone;
        var decisions = DisarmTimers(run, None_);
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

    /// <summary>A run that ends takes its armed timers with it (a timer that fires anyway is stale and ignored).</summary>
    private static Seq<Decision> DisarmTimers(ActiveRun run, Seq<Decision> decisions)
    {
        var group = run.Group.Jid;
        if (run.IdleArmed) decisions = decisions.Add(new Decision.CancelTimer(new TimerKey.IdleExpiry(group, run.Id, run.Turn)));
        if (run.TaskCloseArmed) decisions = decisions.Add(new Decision.CancelTimer(new TimerKey.TaskClose(group, run.Id)));
        return decisions;
    }

    private static (RouterState, Seq<Decision>) StartMessages(RouterState state, string groupJid, Seq<Decision> decisions)
    {
        var batch = state.BatchOf(groupJid);
        if (state.Groups.Find(groupJid).Case is not RegisteredGroup group || batch.IsEmpty)
            // Nothing to give an agent (group gone, or the batch was already handled): release the slot at once.
            return ToQueue(state, new QueueEvent.ContainerExited(groupJid, RunOutcome.Success), decisions);

        var run = ActiveRun.Launched(state.NextRunId, group, None, Some(state.CursorOf(groupJid)));
        var next = WithRun(WithCursor(state, groupJid, batch.Last.Timestamp), groupJid, run) with { NextRunId = state.NextRunId + 1 };
        return (next, decisions
            .Add(new Decision.SetTyping(groupJid, true))
            .Add(new Decision.LaunchContainer(groupJid, group.Folder, PromptFormatter.Format(batch, state.Config.Zone), group.IsMain, false, None, run.Id)));
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

        var run = ActiveRun.Launched(state.NextRunId, group, Some(t), None);
        return (WithRun(rest, groupJid, run) with { NextRunId = state.NextRunId + 1 },
            decisions.Add(new Decision.LaunchContainer(groupJid, group.Folder, t.Prompt, group.IsMain, true, Some(t), run.Id)));
    }

    private static (RouterState, Seq<Decision>) PipeMessages(RouterState state, string groupJid, Seq<Decision> decisions)
    {
        var batch = state.BatchOf(groupJid);
        if (state.Runs.Find(groupJid).Case is not ActiveRun run || batch.IsEmpty)
            // Nothing new to give: the container is still idle.
            return ToQueue(state, new QueueEvent.ContainerIdle(groupJid), decisions);

        // The agent is busy again: its idle timer for the last turn no longer applies.
        if (run.IdleArmed) decisions = decisions.Add(new Decision.CancelTimer(new TimerKey.IdleExpiry(groupJid, run.Id, run.Turn)));
        var previous = state.CursorOf(groupJid);
        var piped = run with { RollbackCursor = run.RollbackCursor.IsSome ? run.RollbackCursor : Some(previous), IdleArmed = false };
        var next = WithRun(WithCursor(state, groupJid, batch.Last.Timestamp), groupJid, piped);
        return (next, decisions
            .Add(new Decision.WriteInput(groupJid, run.Group.Folder, PromptFormatter.Format(batch, state.Config.Zone), run.Id))
            .Add(new Decision.SetTyping(groupJid, true)));
    }

    /// <summary>The queue has marked the group's run closing: write its sentinel; its idle timer is moot.</summary>
    private static (RouterState, Seq<Decision>) CloseRun(RouterState state, string groupJid, Seq<Decision> decisions)
    {
        if (state.Runs.Find(groupJid).Case is not ActiveRun run) return (state, decisions);
        if (run.IdleArmed) decisions = decisions.Add(new Decision.CancelTimer(new TimerKey.IdleExpiry(groupJid, run.Id, run.Turn)));
        return (WithRun(state, groupJid, run with { IdleArmed = false }),
            decisions.Add(new Decision.WriteClose(groupJid, run.Group.Folder, run.Id)));
    }

    /// <summary>Stores the cursor of everything given so far, once, when it is answered.</summary>
    private static (RouterState, Seq<Decision>) Commit(RouterState state, string groupJid, ActiveRun run, Seq<Decision> decisions)
    {
        var next = WithRun(state, groupJid, run with { RollbackCursor = None });
        return run.RollbackCursor.IsSome && run.Task.IsNone
            ? (next, decisions.Add(new Decision.AdvanceCursor(groupJid, state.CursorOf(groupJid))))
            : (next, decisions);
    }

    private static string ChatOf(ActiveRun run, string groupJid) => run.Task.Map(t => t.ChatJid).IfNone(groupJid);
}
