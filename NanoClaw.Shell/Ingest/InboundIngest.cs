using System.Reactive.Linq;
using System.Reactive.Subjects;
using NanoClaw.Core.Channels;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Security;
using Serilog;

namespace NanoClaw.Shell.Ingest;

/// <summary>
/// Writes what channels receive into the store: chat metadata for every chat, full messages only
/// for registered groups. <see cref="Stored"/> emits each message once, when its row is new, so a
/// redelivered message (a reconnect replaying history) never wakes an agent twice.
/// </summary>
public sealed class InboundIngest : IDisposable
{
    private readonly IIngestStore store;
    private readonly Func<SenderAllowlist> allowlist;
    private readonly ILogger log;
    private readonly Subject<ChatMessage> stored = new();
    private readonly List<IDisposable> subscriptions = [];
    private readonly object gate = new();
    private const int MaxPrivateChatsKept = 100_000;

    /// <param name="allowlist">The sender allowlist; none means everyone is stored.</param>
    public InboundIngest(IIngestStore store, ILogger log, SenderAllowlist? allowlist = null)
        : this(store, log, () => allowlist ?? SenderAllowlist.AllowEveryone)
    {
    }

    /// <param name="allowlist">The sender allowlist in force at each message (it is re-read when its file changes).</param>
    public InboundIngest(IIngestStore store, ILogger log, Func<SenderAllowlist> allowlist)
    {
        this.store = store;
        this.allowlist = allowlist;
        this.log = log;
    }

    /// <summary>
    /// Offered every message from an unregistered chat before it is dropped (a pairing code may make it the main
    /// group); true when it consumed the message. Any channel's chats go through it alike.
    /// </summary>
    public Func<ChatMessage, bool, bool>? Unregistered { get; init; }

    /// <summary>Told after a registered group followed its chat to a new id (the group as it is now registered).</summary>
    public Action<RegisteredGroup>? GroupMoved { get; init; }

    // Chats a channel reported as one-to-one (not groups); WhatsApp may report a chat after its first message, so its
    // person JIDs count as private by their form too.
    private readonly HashSet<string> privateChats = new(StringComparer.Ordinal);

    /// <summary>Messages newly stored for registered groups, in arrival order.</summary>
    public IObservable<ChatMessage> Stored => stored.AsObservable();

    /// <summary>Subscribes to a channel once; dispose the result (or this object) to detach.</summary>
    public IDisposable Attach(IChannel channel)
    {
        // Synchronize: channels may emit from their own threads; the store sees one write at a time.
        var chats = channel.ChatMetadata.Synchronize(gate).Subscribe(OnChat, e => log.Error(e, "{Channel} chat stream failed", channel.Name));
        var messages = channel.Messages.Synchronize(gate).Subscribe(OnMessage, e => log.Error(e, "{Channel} message stream failed", channel.Name));
        var both = new System.Reactive.Disposables.CompositeDisposable(chats, messages);
        // Same gate: a move is performed before the chat's next message (from its new id) is judged.
        if (channel is IChatMigrations moving)
            both.Add(moving.Migrations.Synchronize(gate).Subscribe(OnMigrated, e => log.Error(e, "{Channel} migration stream failed", channel.Name)));
        lock (subscriptions) subscriptions.Add(both);
        return both;
    }

    private void OnChat(Chat chat)
    {
        try
        {
            if (chat.IsGroup) privateChats.Remove(chat.Jid);
            else if (privateChats.Count < MaxPrivateChatsKept) privateChats.Add(chat.Jid);
            store.UpsertChat(chat);
        }
        catch (Exception e)
        {
            // Bad input must not stop the stream: log and keep going.
            log.Error(e, "Could not store metadata of chat {Jid}", chat.Jid);
        }
    }

    private void OnMigrated(ChatMigrated move)
    {
        try
        {
            ChatMigration.Follow(store.Groups(), move).Match(
                Right: group =>
                {
                    if (!store.MoveGroup(move.From, move.To)) return;
                    log.Information("Chat {From} is now {To}: group {Folder} follows it (tasks and pending replies too)", move.From, move.To, group.Folder);
                    GroupMoved?.Invoke(group);
                },
                Left: reason => log.Information("Chat {From} is now {To}; no group moved: {Reason}", move.From, move.To, reason));
        }
        catch (Exception e)
        {
            log.Error(e, "Could not follow chat {From} to {To}", move.From, move.To);
        }
    }

    private void OnMessage(ChatMessage message)
    {
        try
        {
            if (Unregistered is { } offer && !store.IsRegistered(message.ChatJid) &&
                offer(message, privateChats.Contains(message.ChatJid) || Core.Routing.ChannelRouting.IsPerson(message.ChatJid)))
                return;
            var policy = allowlist();
            if (!IngestRules.ShouldStore(message, store.IsRegistered, policy))
            {
                if (!policy.ShouldStore(message) && store.IsRegistered(message.ChatJid)) Security.AllowlistDenials.Dropped(log, policy, message);
                return;
            }
            if (store.StoreMessage(message)) stored.OnNext(message);
        }
        catch (Exception e)
        {
            log.Error(e, "Could not store message {Id} of chat {Jid}", message.Id, message.ChatJid);
        }
    }

    public void Dispose()
    {
        lock (subscriptions)
        {
            foreach (var subscription in subscriptions) subscription.Dispose();
            subscriptions.Clear();
        }
        stored.OnCompleted();
        stored.Dispose();
    }
}
