using NanoClaw.Shell.Sockets;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Serilog;

namespace NanoClaw.Shell.Control;

/// <summary>
/// The daemon's control socket (<c>data/control.sock</c>, 0600 in the 0700 data directory, like the chat socket but
/// always on, whatever channels are enabled). One request per connection, one JSON line each way:
/// <c>{"type":"status"}</c> → the status view. Anything else gets <c>{"type":"error","text":…}</c>.
/// </summary>
public sealed class ControlServer : IAsyncDisposable
{
    /// <summary>The socket's file name inside the data directory.</summary>
    public const string FileName = "control.sock";

    /// <summary>Longest request line read; a status request is a few bytes.</summary>
    private const int MaxRequestBytes = 4096;

    private readonly Socket listener;
    private readonly string path;
    private readonly Func<JsonObject> status;
    private readonly ILogger log;
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private Task? disposing;

    private ControlServer(Socket listener, string path, Func<JsonObject> status, ILogger log)
    {
        this.listener = listener;
        this.path = path;
        this.status = status;
        this.log = log;
        accepting = AcceptLoopAsync();
    }

    public static ControlServer Start(string path, Func<JsonObject> status, ILogger log)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path)) File.Delete(path); // stale socket from a killed daemon
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        socket.Listen(16);
        log.Information("Control socket listening on {Socket}", path);
        return new ControlServer(socket, path, status, log);
    }

    private async Task AcceptLoopAsync()
    {
        // Ends when the dispose closes the listener (Sockets/ListenerAccept: no exception at stop).
        while (!stop.IsCancellationRequested && await listener.AcceptOrNullAsync() is { } client)
        {
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var line = await ReadLineAsync(stream, timeout.Token);
            var request = TryParse(line);
            var reply = (string?)request?["type"] == "status"
                ? Wrap(status())
                : new JsonObject { ["type"] = "error", ["text"] = "expected {\"type\":\"status\"}" };
            await stream.WriteAsync(Encoding.UTF8.GetBytes(reply.ToJsonString() + "\n"), timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            log.Debug("Control client left: {Reason}", e.Message);
        }
        catch (Exception e)
        {
            log.Error(e, "Control request failed");
        }
    }

    private static JsonObject Wrap(JsonObject status) => new() { ["type"] = "status", ["status"] = status };

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken token)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(length), token);
            if (n == 0) break;
            var newline = Array.IndexOf(buffer, (byte)'\n', length, n);
            length += n;
            if (newline >= 0) return Encoding.UTF8.GetString(buffer, 0, newline);
        }
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static JsonObject? TryParse(string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Stops accepting and removes the socket file; a second call returns the first one's task.</summary>
    public ValueTask DisposeAsync()
    {
        lock (stop)
            disposing ??= StopAsync();
        return new ValueTask(disposing);
    }

    private async Task StopAsync()
    {
        await stop.CancelAsync();
        listener.Dispose();
        // The accept loop ends on the cancellation or the closed socket and catches both: nothing to time out on.
        await accepting;
        try { File.Delete(path); } catch (IOException) { }
        // `stop` stays undisposed: requests still being served hold its token (a CancellationTokenSource without a
        // timer needs no disposal).
    }
}
