using System.Net;
using System.Net.Sockets;

namespace NanoClaw.AgentRunner.Proxy;

/// <summary>
/// Forwards a loopback TCP port inside the container to the host's credential proxy socket (bind-mounted at
/// <c>/run/nanoclaw/api.sock</c>), so Claude Code can use <c>ANTHROPIC_BASE_URL=http://127.0.0.1:&lt;port&gt;</c> whatever
/// the container's network is — including <c>--network none</c>, where loopback still exists. Bytes only: the proxy on
/// the host does the HTTP work (token check, path filter, real credential).
/// </summary>
internal sealed class ApiForwarder : IAsyncDisposable
{
    /// <summary>Input environment entry naming the socket (set by the host; removed before Claude Code starts).</summary>
    public const string SocketVariable = "NANOCLAW_API_SOCKET";

    private readonly TcpListener listener;
    private readonly string socketPath;
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;

    private ApiForwarder(TcpListener listener, string socketPath)
    {
        this.listener = listener;
        this.socketPath = socketPath;
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The base URL Claude Code is given.</summary>
    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    /// <summary>
    /// The environment Claude Code gets: with <see cref="SocketVariable"/> in <paramref name="secrets"/>, a started
    /// forwarder and <c>ANTHROPIC_BASE_URL</c> pointing at it (any other base URL is dropped: the socket is the only way
    /// out); without it (the proxy turned off), the entries unchanged and no forwarder.
    /// </summary>
    public static (IReadOnlyDictionary<string, string> Environment, ApiForwarder? Forwarder) Start(IReadOnlyDictionary<string, string> secrets)
    {
        if (!secrets.TryGetValue(SocketVariable, out var socket) || socket.Length == 0) return (secrets, null);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(64);
        var forwarder = new ApiForwarder(listener, socket);
        var env = secrets.Where(p => p.Key != SocketVariable).ToDictionary(p => p.Key, p => p.Value);
        env["ANTHROPIC_BASE_URL"] = forwarder.BaseUrl;
        Log.Info($"API forwarder on {forwarder.BaseUrl} -> {socket}");
        return (env.AsReadOnly(), forwarder);
    }

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => PipeAsync(client));
        }
    }

    private async Task PipeAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await upstream.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Log.Info($"API forwarder: cannot reach {socketPath}: {e.Message}");
            client.Dispose();
            return;
        }
        await using var a = new NetworkStream(client, ownsSocket: true);
        await using var b = new NetworkStream(upstream, ownsSocket: false);
        // Each direction ends with a half-close, so a request body's end and the response's end both get through.
        var up = CopyThenShutdownAsync(a, b, upstream);
        var down = CopyThenShutdownAsync(b, a, client);
        await Task.WhenAll(up, down);
    }

    private async Task CopyThenShutdownAsync(Stream from, Stream to, Socket toSocket)
    {
        try
        {
            await from.CopyToAsync(to, stop.Token);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The other side went away: closing both sockets (by the callers' using) ends the pair.
            try { toSocket.Shutdown(SocketShutdown.Both); } catch (Exception x) when (x is SocketException or ObjectDisposedException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await acceptLoop.ContinueWith(_ => { });
        stop.Dispose();
    }
}
