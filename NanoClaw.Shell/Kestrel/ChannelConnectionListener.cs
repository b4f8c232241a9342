using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace NanoClaw.Shell.Kestrel;

/// <summary>
/// A Kestrel listener fed from a channel: the daemon accepts the connections itself (the credential proxy's per-run
/// sockets, the lazily started dashboard) and Kestrel takes them from here. Unbinding or disposing ends the accepts.
/// </summary>
/// <typeparam name="T">What the channel carries (an accepted socket, or a ready connection).</typeparam>
public sealed class ChannelConnectionListener<T>(EndPoint endpoint, ChannelReader<T> reader, Func<T, ConnectionContext> toContext)
    : IConnectionListener
{
    private readonly CancellationTokenSource unbound = new();

    public EndPoint EndPoint { get; } = endpoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, unbound.Token);
        try
        {
            return toContext(await reader.ReadAsync(both.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        unbound.Cancel();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        unbound.Cancel();
        return ValueTask.CompletedTask;
    }
}
