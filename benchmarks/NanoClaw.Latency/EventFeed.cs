namespace NanoClaw.Latency;

/// <summary>
/// An append-only list of timestamped observations that other threads add to, with an awaitable search from a
/// mark: the harness notes <see cref="Count"/> before acting, then waits for the first matching item after it.
/// </summary>
internal sealed class EventFeed<T>
{
    private readonly List<T> items = [];
    private readonly object gate = new();
    private TaskCompletionSource changed = NewSignal();

    public int Count
    {
        get { lock (gate) return items.Count; }
    }

    public void Add(T item)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            items.Add(item);
            signal = changed;
            changed = NewSignal();
        }
        signal.TrySetResult();
    }

    /// <summary>The first item at index ≥ <paramref name="from"/> that matches, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<T> WaitAsync(Func<T, bool> match, int from, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        var next = from;
        while (true)
        {
            Task signal;
            lock (gate)
            {
                for (; next < items.Count; next++)
                    if (match(items[next])) return items[next];
                signal = changed.Task;
            }
            try
            {
                await signal.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
