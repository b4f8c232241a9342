using System.Net.Sockets;
using System.Text;

namespace NanoClaw.Shell.LocalChat;

/// <summary>The <c>nanoclaw chat</c> side of the local chat socket.</summary>
public sealed class LocalChatClient : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly NetworkStream stream;
    private readonly StreamReader reader;

    private LocalChatClient(Socket socket)
    {
        this.socket = socket;
        stream = new NetworkStream(socket, ownsSocket: true);
        reader = new StreamReader(stream, Encoding.UTF8);
    }

    /// <summary>Connects, or explains that the daemon is not running.</summary>
    public static async Task<LocalChatClient> ConnectAsync(string socketPath, CancellationToken token)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token);
            return new LocalChatClient(socket);
        }
        catch (SocketException)
        {
            socket.Dispose();
            throw new LocalChatUnavailableException(
                $"cannot reach the daemon at {socketPath}: start it with `nanoclaw run` (with channels.local_chat: true)");
        }
    }

    public async Task SendAsync(string folder, string text, CancellationToken token)
    {
        var line = new LocalChatFrame("message", Group: folder, Text: text).ToLine() + "\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line), token);
    }

    /// <summary>Next frame from the daemon, or null when it closed the connection.</summary>
    public async Task<LocalChatFrame?> ReadAsync(CancellationToken token)
    {
        while (await reader.ReadLineAsync(token) is { } line)
        {
            if (LocalChatFrame.TryParse(line) is { } frame) return frame;
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        reader.Dispose();
        await stream.DisposeAsync();
        socket.Dispose();
    }
}

public sealed class LocalChatUnavailableException(string message) : Exception(message);
