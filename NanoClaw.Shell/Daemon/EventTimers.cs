using System.Collections.Concurrent;
using NanoClaw.Core.Pipeline;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// Arms the core's timers and posts <see cref="PipelineEvent.TimerFired"/> back when one elapses. It decides nothing:
/// what a timer means (close this run, retry that batch) and whether it still counts is judged by the core from the
/// key. Arming a key again replaces the armed timer; after <see cref="Dispose"/> nothing fires.
/// </summary>
public sealed class EventTimers(TimeProvider clock, Action<PipelineEvent> post) : IDisposable
{
    private readonly ConcurrentDictionary<TimerKey, ITimer> armed = new();
    private volatile bool disposed;

    public void Arm(TimerKey key, TimeSpan delay)
    {
        if (disposed) return;
        ITimer? timer = null;
        timer = clock.CreateTimer(_ =>
        {
            // Only the timer still armed under the key fires (a replaced one that races here is dropped).
            if (timer is not null && armed.TryRemove(new KeyValuePair<TimerKey, ITimer>(key, timer)))
            {
                timer.Dispose();
                if (!disposed) post(new PipelineEvent.TimerFired(key));
            }
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (armed.TryGetValue(key, out var old)) old.Dispose();
        armed[key] = timer;
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    public void Cancel(TimerKey key)
    {
        if (armed.TryRemove(key, out var timer)) timer.Dispose();
    }

    /// <summary>Timers armed and not yet fired or cancelled.</summary>
    public int Count => armed.Count;

    public void Dispose()
    {
        disposed = true;
        foreach (var timer in armed.Values) timer.Dispose();
        armed.Clear();
    }
}
