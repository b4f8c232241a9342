namespace NanoClaw.Tests.Support.FakeTelegram;

/// <summary>
/// An append-only list tests can await: <see cref="WaitForAsync"/> completes when an entry (already there or arriving
/// later) matches, so tests wait on the event itself instead of sleeping.
/// </summary>
public sealed class EventLog<T>
{
    private readonly List<T> items = [];
    private readonly Lock gate = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<T> Snapshot()
    {
        lock (gate) return items.ToList();
    }

    public int Count
    {
        get { lock (gate) return items.Count; }
    }

    internal void Add(T item)
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            items.Add(item);
            wake = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.TrySetResult();
    }

    /// <summary>The first entry matching <paramref name="match"/>; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan timeout)
    {
        var all = await WaitForAllAsync(list => list.Any(match), timeout);
        return all.First(match);
    }

    /// <summary>Waits until the whole list satisfies <paramref name="condition"/>; returns that list.</summary>
    public async Task<IReadOnlyList<T>> WaitForAllAsync(Func<IReadOnlyList<T>, bool> condition, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            List<T> now;
            lock (gate)
            {
                now = items.ToList();
                next = changed.Task;
            }
            if (condition(now)) return now;
            try
            {
                await next.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no matching {typeof(T).Name} within {timeout} ({now.Count} seen: {string.Join("; ", now.TakeLast(5))})");
            }
        }
    }
}
