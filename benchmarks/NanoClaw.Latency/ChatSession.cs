using NanoClaw.Shell.LocalChat;

namespace NanoClaw.Latency;

/// <summary>A frame from the daemon's local chat socket and when the harness read it.</summary>
internal sealed record ChatFrame(double AtMs, LocalChatFrame Frame);

/// <summary>The user side of the local chat: sends messages and timestamps every frame the daemon pushes back.</summary>
internal sealed class ChatSession : IAsyncDisposable
{
    private readonly LocalChatClient client;
    private readonly CancellationTokenSource stop = new();
    private readonly Task reader;

    private ChatSession(LocalChatClient client)
    {
        this.client = client;
        reader = Task.Run(() => ReadAsync(stop.Token));
    }

    public EventFeed<ChatFrame> Frames { get; } = new();

    public static async Task<ChatSession> ConnectAsync(string socketPath) =>
        new(await LocalChatClient.ConnectAsync(socketPath, CancellationToken.None));

    /// <summary>Sends a message to the group's local chat; returns the time just before the write.</summary>
    public async Task<double> SendAsync(string folder, string text)
    {
        var at = Clock.NowMs();
        await client.SendAsync(folder, text, stop.Token);
        return at;
    }

    private async Task ReadAsync(CancellationToken token)
    {
        try
        {
            while (await client.ReadAsync(token) is { } frame) Frames.Add(new ChatFrame(Clock.NowMs(), frame));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await client.DisposeAsync();
        try { await reader.WaitAsync(TimeSpan.FromSeconds(2)); } catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
        stop.Dispose();
    }
}
