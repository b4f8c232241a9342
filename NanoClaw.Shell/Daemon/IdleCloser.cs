using System.Collections.Concurrent;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// Closes an agent that has been quiet for <c>timing.idle_timeout_ms</c>: every output record re-arms the group's
/// timer; when it fires, the close sentinel is written and the container ends on its own.
/// </summary>
public sealed class IdleCloser(TimeProvider clock, TimeSpan idleTimeout, Action<string> close) : IDisposable
{
    private readonly ConcurrentDictionary<string, ITimer> timers = new();

    public void Touch(string groupJid)
    {
        var timer = clock.CreateTimer(_ => Expire(groupJid), null, idleTimeout, Timeout.InfiniteTimeSpan);
        if (timers.TryGetValue(groupJid, out var old)) old.Dispose();
        timers[groupJid] = timer;
    }

    public void Forget(string groupJid)
    {
        if (timers.TryRemove(groupJid, out var timer)) timer.Dispose();
    }

    private void Expire(string groupJid)
    {
        if (timers.TryRemove(groupJid, out var timer))
        {
            timer.Dispose();
            close(groupJid);
        }
    }

    public void Dispose()
    {
        foreach (var timer in timers.Values) timer.Dispose();
        timers.Clear();
    }
}
