using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;

namespace NanoClaw.Shell.CredentialProxy;

/// <summary>
/// A Kestrel transport whose listening sockets come and go with the container runs: one Unix socket per run,
/// opened before the container starts and closed when it ends, all feeding one Kestrel server. Each accepted
/// connection carries its <see cref="ProxyRun"/> in <see cref="ConnectionContext.Items"/>, so the proxy knows which
/// run a request came from by the socket it arrived on (not by anything the caller says).
/// </summary>
internal sealed class RunSocketTransport : IConnectionListenerFactory, IConnectionListenerFactorySelector, IAsyncDisposable
{
    /// <summary>Key of the run in a connection's items.</summary>
    public const string RunItem = "nanoclaw.proxy.run";

    /// <summary>Key marking a connection accepted on the TCP listener (no run: the run is found from the token).</summary>
    public const string TcpItem = "nanoclaw.proxy.tcp";

    private readonly Channel<ConnectionContext> accepted = Channel.CreateUnbounded<ConnectionContext>();
    private readonly SocketConnectionContextFactory contexts = new(new SocketConnectionFactoryOptions(), NullLogger.Instance);

    /// <summary>The endpoint Kestrel is told to listen on; it stands for every run socket.</summary>
    public static EndPoint Endpoint { get; } = new RunSocketsEndPoint();

    public bool CanBind(EndPoint endpoint) => endpoint is RunSocketsEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IConnectionListener>(new Kestrel.ChannelConnectionListener<ConnectionContext>(endpoint, accepted.Reader, c => c));

    /// <summary>
    /// Binds <paramref name="path"/> (a stale file there is replaced) with mode 0666 and starts accepting for
    /// <paramref name="run"/>. The directory around it is 0700: only a container it is bind-mounted into can reach it.
    /// </summary>
    public Socket Open(string path, ProxyRun run)
    {
        if (File.Exists(path) || Directory.Exists(path)) File.Delete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            // The container user (uid 1000, or a subordinate uid under rootless Podman) is not this process's user:
            // it needs write permission on the socket itself. The 0700 directory keeps everyone else on the host out.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110);
            socket.Listen(64);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _ = Task.Run(() => AcceptLoopAsync(socket, RunItem, run));
        return socket;
    }

    /// <summary>
    /// Binds the TCP listener of the TCP transport (port 0: the OS chooses) and starts accepting; its connections
    /// carry no run. On Linux the address may be one that does not exist yet (<c>IP_FREEBIND</c>): Podman creates its
    /// bridge, and the gateway address on it, only when the first container starts.
    /// </summary>
    public Socket OpenTcp(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // IP_FREEBIND (15) at IPPROTO_IP; IPV6_FREEBIND (78) at IPPROTO_IPV6 (41).
                var (level, name) = endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? (41, 78) : (0, 15);
                socket.SetRawSocketOption(level, name, BitConverter.GetBytes(1));
            }
            socket.Bind(endpoint);
            socket.Listen(128);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _ = Task.Run(() => AcceptLoopAsync(socket, TcpItem, true));
        return socket;
    }

    private async Task AcceptLoopAsync(Socket listening, string tag, object value)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listening.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // the run ended (or the server stopped) and its socket was closed
            }
            var connection = contexts.Create(client);
            connection.Items[tag] = value;
            if (!accepted.Writer.TryWrite(connection)) await connection.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync()
    {
        accepted.Writer.TryComplete();
        contexts.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class RunSocketsEndPoint : EndPoint
    {
        public override AddressFamily AddressFamily => AddressFamily.Unix;

        public override string ToString() => "nanoclaw-run-sockets";
    }
}
