namespace NanoClaw.Shell.Daemon;

/// <summary>
/// The daemon's servers (credential proxy, control socket, dashboard), stopped together: one server's stop does not
/// wait for another's. Servers still starting are adopted as their start task and stopped once started. Disposing
/// twice is a no-op, so the shutdown path can stop them early and the <c>await using</c> still covers every exit.
/// </summary>
public sealed class ServerSet : IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly List<Task<IAsyncDisposable?>> members = [];
    private Task? disposing;

    /// <summary>Adds a started server; returns it.</summary>
    public T Add<T>(T server) where T : IAsyncDisposable
    {
        Adopt(Task.FromResult<IAsyncDisposable?>(server));
        return server;
    }

    /// <summary>Adds a server still starting (null result: it did not start, nothing to stop).</summary>
    public void Adopt(Task<IAsyncDisposable?> starting)
    {
        lock (gate)
        {
            if (disposing is not null) throw new ObjectDisposedException(nameof(ServerSet));
            members.Add(starting);
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (gate)
            disposing ??= Task.WhenAll(members.Select(StopAsync));
        return new ValueTask(disposing);
    }

    private static async Task StopAsync(Task<IAsyncDisposable?> starting)
    {
        IAsyncDisposable? server;
        try
        {
            server = await starting;
        }
        catch
        {
            return; // its start failed: that failure is reported where the start is awaited
        }
        if (server is not null) await server.DisposeAsync();
    }
}
