using LanguageExt;
using NanoClaw.Core.Queue;

namespace NanoClaw.Core.Pipeline;

/// <summary>Timers the core armed, judged when they fire: only one for the run (or retry) it was armed for counts.</summary>
public static partial class Router
{
    private static (RouterState, Seq<Decision>) OnTimer(RouterState state, TimerKey key) => key switch
    {
        // Idle: the same run, still at the turn that armed it (the queue then closes it only if it still waits).
        TimerKey.IdleExpiry i when state.Runs.Find(i.Group).Case is ActiveRun run && run.Id == i.RunId && run.Turn == i.Turn && run.IdleArmed =>
            ToQueue(WithRun(state, i.Group, run with { IdleArmed = false }), new QueueEvent.IdleExpired(i.Group), None_),
        TimerKey.TaskClose t when state.Runs.Find(t.Group).Case is ActiveRun run && run.Id == t.RunId && run.Task.IsSome =>
            ToQueue(state, new QueueEvent.CloseDue(t.Group), None_),
        // The queue ignores an attempt it no longer waits for (superseded by an inbound message, or already run).
        TimerKey.Retry r => ToQueue(state, new QueueEvent.RetryDue(r.Group, r.Attempt), None_),
        _ => (state, None_),
    };
}
