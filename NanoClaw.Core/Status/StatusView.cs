using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Pipeline;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Status;

/// <summary>
/// Computes the status view from the router's state (pure). Reads only the queue's running/waiting/work records and the
/// group table, so it adapts when the router learns more about its runs.
/// </summary>
public static class StatusView
{
    /// <summary>How many upcoming task runs the view lists.</summary>
    public const int NextTaskCount = 10;

    /// <summary>The view now.</summary>
    /// <param name="state">The router's state after its last event.</param>
    /// <param name="channels">Channels and their connection.</param>
    /// <param name="containers">What the shell knows of each running container, by group jid.</param>
    /// <param name="tasks">Stored tasks; active ones with a next run are listed, soonest first.</param>
    /// <param name="lastErrors">The last failed run per group, from the store.</param>
    public static DaemonStatus From(RouterState state, Seq<ChannelStatus> channels, Map<string, ContainerFacts> containers,
        Seq<ScheduledTask> tasks, Seq<GroupErrorStatus> lastErrors)
    {
        string Folder(string jid) => state.Groups.Find(jid).Map(g => g.Folder)
            .IfNone(() => state.Runs.Find(jid).Map(r => r.Group.Folder).IfNone(jid));

        var running = state.Queue.Running.AsEnumerable()
            .Select(p =>
            {
                var facts = containers.Find(p.Key);
                return new RunningStatus(Folder(p.Key), p.Key, facts.Bind(f => f.Name), facts.Map(f => f.Since),
                    !p.Value.IdleWaiting, p.Value.CloseRequested, p.Value.TaskId);
            })
            .OrderBy(r => r.Group, StringComparer.Ordinal)
            .ToSeq().Strict();
        var waiting = state.Queue.Waiting
            .Select(jid => (jid, work: state.Queue.WorkOf(jid)))
            .Select(w => new WaitingStatus(Folder(w.jid), w.work.MessagesPending, w.work.PendingTasks.Count))
            .ToSeq().Strict();
        var retries = state.Queue.Work.AsEnumerable()
            .Where(p => p.Value.RetryScheduled.IsSome)
            .Select(p => new RetryStatus(Folder(p.Key), p.Value.RetryScheduled.IfNone(0), p.Value.Failures))
            .OrderBy(r => r.Group, StringComparer.Ordinal)
            .ToSeq().Strict();
        var next = tasks
            .Filter(t => t.Status == Domain.TaskStatus.Active && t.NextRun.IsSome)
            .OrderBy(t => t.NextRun.IfNone(""), StringComparer.Ordinal)
            .ThenBy(t => t.Id, StringComparer.Ordinal)
            .Take(NextTaskCount)
            .Select(t => new NextTaskStatus(t.Id, t.GroupFolder, t.NextRun.IfNone("")))
            .ToSeq().Strict();
        return new DaemonStatus(channels, running, waiting, retries, next,
            lastErrors.OrderBy(e => e.Group, StringComparer.Ordinal).ToSeq().Strict(), state.Queue.MaxConcurrent);
    }
}
