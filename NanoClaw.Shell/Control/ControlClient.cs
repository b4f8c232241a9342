using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace NanoClaw.Shell.Control;

/// <summary>The CLI side of the control socket.</summary>
public static class ControlClient
{
    /// <summary>The daemon's status, or null when no daemon answers at <paramref name="path"/>.</summary>
    public static async Task<JsonObject?> StatusAsync(string path, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), limit.Token);
        }
        catch (SocketException)
        {
            return null;
        }
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"type\":\"status\"}\n"), limit.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var line = await reader.ReadLineAsync(limit.Token) ?? throw new IOException("the daemon closed the control socket without answering");
        var reply = JsonNode.Parse(line) as JsonObject ?? throw new IOException("the daemon's answer is not a JSON object");
        return (string?)reply["type"] == "status" && reply["status"] is JsonObject status
            ? status
            : throw new IOException("the daemon refused the request: " + (string?)reply["text"]);
    }
}
