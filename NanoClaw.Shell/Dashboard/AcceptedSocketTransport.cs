using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;

namespace NanoClaw.Shell.Dashboard;

/// <summary>
/// A Kestrel transport fed with sockets another loop accepted (<see cref="LazyDashboard"/> binds the port and accepts;
/// Kestrel starts only when the first connection comes). Each socket becomes a connection the way Kestrel's own
/// socket transport makes them.
/// </summary>
internal sealed class AcceptedSocketTransport(ChannelReader<Socket> accepted) : IConnectionListenerFactory, IConnectionListenerFactorySelector, IAsyncDisposable
{
    private readonly SocketConnectionContextFactory contexts = new(new SocketConnectionFactoryOptions(), NullLogger.Instance);

    /// <summary>The endpoint Kestrel is told to listen on; it stands for the socket bound by <see cref="LazyDashboard"/>.</summary>
    public static EndPoint Endpoint { get; } = new AcceptedEndPoint();

    public bool CanBind(EndPoint endpoint) => endpoint is AcceptedEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IConnectionListener>(new Kestrel.ChannelConnectionListener<System.Net.Sockets.Socket>(endpoint, accepted, contexts.Create));

    public ValueTask DisposeAsync()
    {
        contexts.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class AcceptedEndPoint : EndPoint
    {
        public override AddressFamily AddressFamily => AddressFamily.InterNetwork;

        public override string ToString() => "nanoclaw-dashboard";
    }
}
