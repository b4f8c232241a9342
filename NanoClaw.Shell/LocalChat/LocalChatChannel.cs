using NanoClaw.Shell.Sockets;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Reactive.Subjects;
using System.Text;
using LanguageExt;
using NanoClaw.Core.Channels;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using Serilog;

namespace NanoClaw.Shell.LocalChat;

/// <summary>
/// A channel for headless use and tests: the daemon listens on a Unix socket and each connected
/// <c>nanoclaw chat</c> client talks as the user into one <c>local:&lt;folder&gt;</c> chat.
/// </summary>
public sealed class LocalChatChannel : IChannel, IAsyncDisposable
{
    private readonly string socketPath;
    private readonly TimeProvider clock;
    private readonly ILogger log;
    private readonly Func<string, bool> isRegistered;
    private readonly Subject<ChatMessage> messages = new();
    private readonly Subject<Chat> chats = new();
    private readonly ConcurrentDictionary<Client, byte> clients = new();
    private Socket? listener;
    private CancellationTokenSource? stop;
    private long sequence;

    /// <param name="socketPath">Where to listen (normally <c>data/chat.sock</c>).</param>
    /// <param name="isRegistered">Whether a JID is a registered group; messages to others are refused with a hint.</param>
    public LocalChatChannel(string socketPath, TimeProvider clock, ILogger log, Func<string, bool> isRegistered)
    {
        this.socketPath = socketPath;
        this.clock = clock;
        this.log = log;
        this.isRegistered = isRegistered;
    }

    public string Name => "local";

    public bool OwnsJid(string jid) => jid.StartsWith(LocalChatFrame.JidPrefix, StringComparison.Ordinal);

    public bool IsConnected => listener is not null;

    public IObservable<ChatMessage> Messages => messages;

    public IObservable<Chat> ChatMetadata => chats;

    public Task ConnectAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
        if (File.Exists(socketPath)) File.Delete(socketPath); // stale socket from a killed daemon
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        socket.Listen(16);
        // Only the owner may talk as the user.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        listener = socket;
        stop = new CancellationTokenSource();
        _ = AcceptLoopAsync(socket, stop.Token);
        log.Information("Local chat listening on {Socket}", socketPath);
        return Task.CompletedTask;
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        stop?.Cancel();
        listener?.Dispose();
        listener = null;
        foreach (var client in clients.Keys) await client.DisposeAsync();
        clients.Clear();
        if (File.Exists(socketPath)) File.Delete(socketPath);
    }

    public Task SendAsync(string jid, string text, CancellationToken cancellationToken) =>
        Broadcast(jid, new LocalChatFrame("reply", Jid: jid, Text: text));

    public Task SetTypingAsync(string jid, bool typing, CancellationToken cancellationToken) =>
        Broadcast(jid, new LocalChatFrame("typing", Jid: jid, On: typing));

    private async Task Broadcast(string jid, LocalChatFrame frame)
    {
        foreach (var client in clients.Keys.Where(c => c.Jid == jid))
            await client.WriteAsync(frame);
    }

    private async Task AcceptLoopAsync(Socket socket, CancellationToken token)
    {
        // Ends when DisconnectAsync closes the listener (Sockets/ListenerAccept: no exception at stop).
        while (!token.IsCancellationRequested && await socket.AcceptOrNullAsync() is { } accepted)
        {
            var client = new Client(accepted);
            clients.TryAdd(client, 0);
            _ = ServeAsync(client, token);
        }
    }

    private async Task ServeAsync(Client client, CancellationToken token)
    {
        try
        {
            while (!token.IsCancellationRequested && await client.ReadLineAsync(token) is { } line)
            {
                var frame = LocalChatFrame.TryParse(line);
                if (frame is null || frame.Type != "message" || string.IsNullOrEmpty(frame.Text))
                {
                    await client.WriteAsync(new LocalChatFrame("error", Text: "expected {\"type\":\"message\",\"group\":FOLDER,\"text\":TEXT}"));
                    continue;
                }
                var folder = string.IsNullOrEmpty(frame.Group) ? GroupFolder.Main : frame.Group;
                var error = GroupFolder.Validate(folder).Match(_ => "", reason => reason);
                if (error.Length > 0)
                {
                    await client.WriteAsync(new LocalChatFrame("error", Text: error));
                    continue;
                }
                var jid = LocalChatFrame.JidFor(folder);
                if (!isRegistered(jid))
                {
                    await client.WriteAsync(new LocalChatFrame("error",
                        Text: $"{jid} is not a registered group; register it with: nanoclaw groups register --jid {jid} --folder {folder}"));
                    continue;
                }
                client.Jid = jid;
                // Subscribers (the ingest) store synchronously, so "accepted" means "stored": a crash after the
                // acknowledgement cannot lose the message.
                Publish(jid, folder, frame);
                await client.WriteAsync(new LocalChatFrame("accepted", Jid: jid));
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            log.Debug("Local chat client left: {Reason}", e.Message);
        }
        catch (Exception e)
        {
            log.Error(e, "Local chat client failed");
        }
        finally
        {
            clients.TryRemove(client, out _);
            await client.DisposeAsync();
        }
    }

    private void Publish(string jid, string folder, LocalChatFrame frame)
    {
        var now = IsoTimestamp.From(clock.GetUtcNow());
        var sender = string.IsNullOrEmpty(frame.Sender) ? Environment.UserName : frame.Sender;
        var id = $"local-{clock.GetUtcNow().ToUnixTimeMilliseconds()}-{Interlocked.Increment(ref sequence)}";
        chats.OnNext(new Chat(jid, folder, now, Prelude.Some("local"), false));
        messages.OnNext(new ChatMessage(id, jid, "local:" + sender, sender, frame.Text!, now, false, false, Prelude.None));
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync(CancellationToken.None);
        messages.OnCompleted();
        chats.OnCompleted();
    }

    private sealed class Client(Socket socket) : IAsyncDisposable
    {
        private readonly NetworkStream stream = new(socket, ownsSocket: true);
        private readonly SemaphoreSlim writeLock = new(1, 1);
        private StreamReader? reader;

        public volatile string? Jid;

        public Task<string?> ReadLineAsync(CancellationToken token) =>
            (reader ??= new StreamReader(stream, Encoding.UTF8)).ReadLineAsync(token).AsTask();

        public async Task WriteAsync(LocalChatFrame frame)
        {
            var bytes = Encoding.UTF8.GetBytes(frame.ToLine() + "\n");
            await writeLock.WaitAsync();
            try
            {
                await stream.WriteAsync(bytes);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // The client went away; its reader loop cleans up.
            }
            finally
            {
                writeLock.Release();
            }
        }

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
