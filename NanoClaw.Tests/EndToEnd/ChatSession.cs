using NanoClaw.Shell.LocalChat;

namespace NanoClaw.Tests.EndToEnd;

/// <summary>
/// One <c>nanoclaw chat</c> connection to the daemon's local chat socket, talking into one group. Every frame the
/// daemon sends is kept, so tests can wait for replies and count them afterwards.
/// </summary>
public sealed class ChatSession : IAsyncDisposable
{
    private readonly LocalChatClient client;
    private readonly List<LocalChatFrame> frames = [];
    private readonly List<DateTimeOffset> arrivals = [];
    private readonly SemaphoreSlim arrived = new(0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task reader;

    private ChatSession(LocalChatClient client, string folder)
    {
        this.client = client;
        Folder = folder;
        reader = Task.Run(ReadAsync);
    }

    public string Folder { get; }

    public static async Task<ChatSession> OpenAsync(string socketPath, string folder)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return new ChatSession(await LocalChatClient.ConnectAsync(socketPath, limit.Token), folder);
    }

    public IReadOnlyList<LocalChatFrame> Frames
    {
        get { lock (frames) return frames.ToList(); }
    }

    /// <summary>The texts of the assistant's replies so far, in order.</summary>
    public IReadOnlyList<string> Replies => Frames.Where(f => f.Type == "reply").Select(f => f.Text ?? "").ToList();

    /// <summary>When the first reply containing <paramref name="text"/> arrived (null if none has).</summary>
    public DateTimeOffset? ArrivalOf(string text)
    {
        lock (frames)
        {
            var i = frames.FindIndex(f => f.Type == "reply" && (f.Text ?? "").Contains(text, StringComparison.Ordinal));
            return i < 0 ? null : arrivals[i];
        }
    }

    /// <summary>Sends a message as the user and waits until the daemon has accepted (stored) it.</summary>
    public async Task SayAsync(string text)
    {
        var acceptedBefore = Frames.Count(f => f.Type is "accepted" or "error");
        await client.SendAsync(Folder, text, stop.Token);
        var answer = await WaitForFrameAsync(f => f.Type is "accepted" or "error", acceptedBefore + 1, TimeSpan.FromSeconds(30));
        Assert.True(answer.Type == "accepted", $"the daemon refused the message: {answer.Text}");
    }

    /// <summary>Waits until at least <paramref name="count"/> replies have arrived and returns them all.</summary>
    public async Task<IReadOnlyList<string>> WaitForRepliesAsync(int count, TimeSpan timeout)
    {
        await WaitForFrameAsync(f => f.Type == "reply", count, timeout);
        return Replies;
    }

    /// <summary>Waits for the first reply containing <paramref name="text"/>.</summary>
    public async Task<string> WaitForReplyContainingAsync(string text, TimeSpan timeout) =>
        (await WaitForFrameAsync(f => f.Type == "reply" && (f.Text ?? "").Contains(text, StringComparison.Ordinal), 1, timeout)).Text!;

    /// <summary>Waits for the typing indicator to go off <paramref name="count"/> times in total (the end of each turn).</summary>
    public Task WaitForTypingOffAsync(int count, TimeSpan timeout) =>
        WaitForFrameAsync(f => f.Type == "typing" && f.On == false, count, timeout);

    private async Task<LocalChatFrame> WaitForFrameAsync(Func<LocalChatFrame, bool> match, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var matching = Frames.Where(match).ToList();
            if (matching.Count >= count) return matching[count - 1];
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || reader.IsCompleted)
                throw new TimeoutException($"chat '{Folder}': expected {count} matching frame(s) within {timeout.TotalSeconds:0} s"
                    + (reader.IsCompleted ? " (the daemon closed the connection)" : "") + "; got: "
                    + string.Join(" | ", Frames.Select(f => f.ToLine())));
            await arrived.WaitAsync(left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250));
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await client.ReadAsync(stop.Token) is { } frame)
            {
                lock (frames)
                {
                    frames.Add(frame);
                    arrivals.Add(DateTimeOffset.UtcNow);
                }
                arrived.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await client.DisposeAsync();
        await reader.ContinueWith(_ => { });
        stop.Dispose();
    }
}
