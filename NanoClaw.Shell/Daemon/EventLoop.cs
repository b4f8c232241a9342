using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using LanguageExt;
using NanoClaw.Core.Pipeline;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// The daemon's one event funnel: events from any thread are queued onto a single loop thread, folded by the
/// core's pipeline, and the resulting decisions are handed to the performer on that same thread. Performers feed
/// results back with <see cref="Post"/>, which only queues, so the fold is never re-entered.
/// </summary>
public sealed class EventLoop : IDisposable
{
    private readonly Subject<PipelineEvent> events = new();
    private readonly ISubject<PipelineEvent> synchronized;
    private readonly EventLoopScheduler loop = new(start => new Thread(start) { Name = "nanoclaw-events", IsBackground = true });
    private IDisposable? subscription;
    private volatile RouterState? current;

    public EventLoop() => synchronized = Subject.Synchronize(events);

    /// <summary>The state after the last event (for status output; decisions come from the fold, not from here).</summary>
    public RouterState? Current => current;

    /// <summary>Raised on the loop thread after each fold and its decisions (the dashboard's live view listens; keep handlers cheap).</summary>
    public event Action? Folded;

    public void Start(RouterState initial, Action<Seq<Decision>> perform, Action<Exception> onError)
    {
        subscription = NanoClawPipeline.Transitions(events.ObserveOn(loop), initial)
            .Subscribe(
                t =>
                {
                    current = t.State;
                    try
                    {
                        perform(t.Decisions);
                        Folded?.Invoke(); // after the decisions, so what the performer learned is in the view
                    }
                    catch (Exception e)
                    {
                        // A failed effect must not end the fold; the performer reports it.
                        onError(e);
                    }
                },
                onError);
    }

    public void Post(PipelineEvent e) => synchronized.OnNext(e);

    /// <summary>Waits until every event posted so far has been folded and performed.</summary>
    public Task DrainAsync()
    {
        var done = new TaskCompletionSource();
        loop.Schedule(() => done.TrySetResult());
        return done.Task;
    }

    public void Dispose()
    {
        subscription?.Dispose();
        loop.Dispose();
    }
}
