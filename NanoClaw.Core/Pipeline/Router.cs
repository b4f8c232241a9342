using LanguageExt;
using NanoClaw.Core.Queue;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Pipeline;

/// <summary>
/// The orchestrator: routing rules (SPEC §5) on top of the group queue (SPEC §6), as one pure fold
/// <c>(state, event) → (state, decisions)</c>. Total: events about unknown groups, containers or runs change nothing.
/// One file per concern: messages (<c>Router.Messages.cs</c>), runs and their output (<c>Router.Runs.cs</c>), timers
/// (<c>Router.Timers.cs</c>), tasks (<c>Router.Tasks.cs</c>); this file dispatches and drives the queue.
/// </summary>
/// <remarks>
/// Cursor handling: the in-memory agent cursor moves as soon as a batch is given to an agent, so the same messages
/// are never given twice; the stored cursor (<see cref="Decision.AdvanceCursor"/>) moves only once the batch is
/// answered (first text sent, end of turn, or a successful exit). A crash mid-run therefore leaves the batch after
/// the stored cursor and startup recovery runs it again; a failed run that sent nothing rolls the in-memory cursor back.
/// Runs: every launch gets a run id from <see cref="RouterState.NextRunId"/>; idle expiry, the task close delay and
/// retries are timers the core arms (<see cref="Decision.ArmTimer"/>) and judges when they fire, by the run id or
/// retry attempt they carry. Closing is the core's decision (the queue marks the run closing and nothing is piped
/// into it any more).
/// </remarks>
public static partial class Router
{
    private static readonly Seq<Decision> None_ = Seq<Decision>();

    /// <summary>Applies one event.</summary>
    /// <param name="state">Current state.</param>
    /// <param name="e">What happened.</param>
    /// <returns>The next state and the decisions to perform, in order.</returns>
    public static (RouterState State, Seq<Decision> Decisions) Update(RouterState state, PipelineEvent e) => e switch
    {
        PipelineEvent.MessageStored m => OnMessage(state, m.Message),
        PipelineEvent.MessagesStored m => OnMessages(state, m.Messages),
        PipelineEvent.GroupsChanged g => OnGroupsChanged(state, g.Groups),
        PipelineEvent.ContainerOutput o => OnOutput(state, o.Group, o.Output),
        PipelineEvent.ContainerExited x => OnExited(state, x.Group, x.Success),
        PipelineEvent.TaskDue t => OnTaskDue(state, t.Task),
        PipelineEvent.TimerFired t => OnTimer(state, t.Key),
        PipelineEvent.Shutdown => ToQueue(state, new QueueEvent.Shutdown(), None_),
        PipelineEvent.AllowlistChanged a => (state.WithAllowlist(a.Allowlist), None_),
        _ => (state, None_),
    };

    /// <summary>
    /// A group that stopped being registered (removed, or moved to its chat's new id) is given nothing more: its running
    /// container is closed as a task's is (it ends its turn and exits), so the group never has two agents on one folder
    /// once the moved group's next message starts a container under the new id.
    /// </summary>
    private static (RouterState, Seq<Decision>) OnGroupsChanged(RouterState state, Map<string, Domain.RegisteredGroup> groups)
    {
        var gone = state.Runs.Keys.Where(jid => state.Groups.ContainsKey(jid) && !groups.ContainsKey(jid)).ToList();
        var (next, decisions) = (state.WithGroups(groups), None_);
        foreach (var jid in gone) (next, decisions) = ToQueue(next, new QueueEvent.CloseDue(jid), decisions);
        return (next, decisions);
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
        QueueCommand.CloseContainer c => CloseRun(state, c.Group, decisions),
        QueueCommand.ScheduleRetry r => (state, decisions.Add(new Decision.ArmTimer(new TimerKey.Retry(r.Group, r.Attempt), r.Delay))),
        QueueCommand.RetriesExhausted r => (state, decisions.Add(new Decision.RetriesExhausted(r.Group))),
        _ => (state, decisions),
    };

    private static RouterState WithRun(RouterState state, string groupJid, ActiveRun run) =>
        state with { Runs = state.Runs.AddOrUpdate(groupJid, run) };
}
