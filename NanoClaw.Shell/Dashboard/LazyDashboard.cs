using NanoClaw.Shell.Sockets;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using ILogger = Serilog.ILogger;

namespace NanoClaw.Shell.Dashboard;

/// <summary>
/// The daemon's dashboard, started on first use (Dashboard/README.md, "Start on first use"): the daemon binds
/// 127.0.0.1:port and records it at once (so <c>nanoclaw dashboard url</c> works from the first moment), accepts the
/// connections itself, and starts Kestrel (<see cref="DashboardServer"/>) when the first one arrives. A daemon whose
/// dashboard nobody opens never loads ASP.NET Core. Types from ASP.NET Core are kept out of this class's signatures
/// and fields, so loading it loads none of them.
/// </summary>
public sealed class LazyDashboard : IAsyncDisposable
{
    private readonly Socket listener;
    private readonly DashboardSources sources;
    private readonly string storeDir;
    private readonly string token;
    private readonly ILogger log;
    private readonly Channel<Socket> accepted = Channel.CreateUnbounded<Socket>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    // The started DashboardServer, held as IAsyncDisposable (see the class comment); null until the first connection.
    private volatile IAsyncDisposable? server;
    private volatile Action? notify;
    private Task? disposing;

    private LazyDashboard(Socket listener, int port, DashboardSources sources, string storeDir, string token, ILogger log)
    {
        this.listener = listener;
        this.sources = sources;
        this.storeDir = storeDir;
        this.token = token;
        this.log = log;
        Port = port;
        accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>True once Kestrel runs (after the first connection).</summary>
    public bool Started => server is not null;

    /// <summary>Binds 127.0.0.1:<paramref name="port"/> (0 = any free port), records the port and starts accepting.</summary>
    public static LazyDashboard Listen(DashboardSources sources, string storeDir, int port, ILogger log)
    {
        log = log.ForContext<DashboardServer>();
        var token = DashboardToken.LoadOrCreate(storeDir);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // As Kestrel does on Linux: a port left in TIME_WAIT by the last daemon can be bound again at once.
            if (!OperatingSystem.IsWindows()) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var bound = ((IPEndPoint)socket.LocalEndPoint!).Port;
        DashboardToken.WritePort(storeDir, bound);
        log.Information("Dashboard listening on http://127.0.0.1:{Port}/ (open the link `nanoclaw dashboard url` prints)", bound);
        return new LazyDashboard(socket, bound, sources, storeDir, token, log);
    }

    /// <summary>The daemon's state changed: live pages re-render their groups (nothing to do before the first page).</summary>
    public void Notify() => notify?.Invoke();

    private async Task AcceptLoopAsync()
    {
        // Ends when the dispose closes the listener (Sockets/ListenerAccept: no exception at stop).
        while (await listener.AcceptOrNullAsync() is { } client)
        {
            // The first connection starts Kestrel; connections arriving meanwhile wait in the listen backlog.
            if (server is null && !await StartServerAsync())
            {
                client.Dispose();
                continue;
            }
            if (!accepted.Writer.TryWrite(client)) client.Dispose();
        }
    }

    private async Task<bool> StartServerAsync()
    {
        try
        {
            var started = await DashboardServer.StartOnAcceptedAsync(sources, storeDir, token, Port, accepted.Reader, log, stop.Token);
            notify = started.Notify;
            server = started;
            log.Information("Dashboard server started on its first connection");
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The next connection tries again; the daemon itself runs on (the dashboard is a convenience).
            log.Warning("Dashboard could not start: {Error}", e.Message);
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (stop)
            disposing ??= DisposeCoreAsync();
        return new ValueTask(disposing);
    }

    private async Task DisposeCoreAsync()
    {
        DashboardToken.DeletePort(storeDir);
        stop.Cancel();
        listener.Dispose();
        await accepting; // ends at once, or after a Kestrel start in progress has finished
        accepted.Writer.TryComplete();
        if (server is { } started) await started.DisposeAsync();
        while (accepted.Reader.TryRead(out var waiting)) waiting.Dispose();
    }
}
