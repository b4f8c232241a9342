using System.Reactive.Linq;
using LanguageExt;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Pipeline;

/// <summary>
/// The Rx entry point: folds events over <see cref="RouterState"/> with <see cref="Router.Update"/> and flattens the
/// decisions. Same events in the same order give the same decisions; the shell performs them and feeds results back.
/// </summary>
public static class NanoClawPipeline
{
    /// <summary>Every transition: the state after each event and the decisions it produced.</summary>
    /// <param name="events">All events, in the order they happened.</param>
    /// <param name="initial">State before the first event.</param>
    public static IObservable<(RouterState State, Seq<Decision> Decisions)> Transitions(IObservable<PipelineEvent> events, RouterState initial) =>
        events.Scan((State: initial, Decisions: Seq<Decision>()), (previous, e) => Router.Update(previous.State, e));

    /// <summary>The decisions for a stream of events.</summary>
    /// <param name="events">All events, in the order they happened.</param>
    /// <param name="initial">State before the first event.</param>
    public static IObservable<Decision> Decisions(IObservable<PipelineEvent> events, RouterState initial) =>
        Transitions(events, initial).SelectMany(t => t.Decisions);

    /// <summary>
    /// The decisions for the daemon's separate sources, merged in arrival order (Rx serialises the merge, so the
    /// fold never sees two events at once).
    /// </summary>
    /// <param name="initial">State before the first event.</param>
    /// <param name="inbound">Messages as they are stored.</param>
    /// <param name="containerEvents">Output records and exits of containers.</param>
    /// <param name="ipcEvents">Events caused by IPC requests (group registrations, tasks created to run now).</param>
    /// <param name="clock">Timer-driven events: due tasks, retry timers, shutdown.</param>
    public static IObservable<Decision> Decisions(
        RouterState initial,
        IObservable<ChatMessage> inbound,
        IObservable<PipelineEvent> containerEvents,
        IObservable<PipelineEvent> ipcEvents,
        IObservable<PipelineEvent> clock) =>
        Decisions(
            Observable.Merge(
                inbound.Select(m => (PipelineEvent)new PipelineEvent.MessageStored(m)),
                containerEvents,
                ipcEvents,
                clock),
            initial);
}
