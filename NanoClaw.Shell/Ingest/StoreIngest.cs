using Dapper;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Store;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Ingest;

/// <summary>Ingestion's view of the SQLite store.</summary>
public sealed class StoreIngest(NanoClawStore store, TimeProvider clock) : IIngestStore
{
    public void UpsertChat(Chat chat)
    {
        if (chat.LastMessageTime.Length > 0)
            store.Messages.StoreChatMetadata(chat.Jid, chat.LastMessageTime, Optional(chat.Name).Filter(n => n.Length > 0),
                chat.Channel, Some(chat.IsGroup));
        else if (chat.Name.Length > 0)
            // A name learned without activity (group sync) must not make the chat look recently active.
            store.Messages.UpdateChatName(chat.Jid, chat.Name, clock.GetUtcNow());
    }

    public bool StoreMessage(ChatMessage message)
    {
        if (Exists(message)) return false;
        store.Messages.Store(message);
        return true;
    }

    public bool IsRegistered(string jid) => store.Groups.Get(jid).IsSome;

    public Map<string, RegisteredGroup> Groups() => toMap(store.Groups.All().Map(g => (g.Jid, g)));

    public bool MoveGroup(string fromJid, string toJid) => ChatMove.Apply(store, fromJid, toJid);

    // The repository replaces rows silently; ingestion needs to know whether a message is new so that
    // a redelivered message (history replay after a reconnect) never produces a second event.
    private bool Exists(ChatMessage message)
    {
        using var c = store.Connections.Open();
        return c.ExecuteScalar<long>("SELECT COUNT(*) FROM messages WHERE id = @Id AND chat_jid = @ChatJid",
            new { message.Id, message.ChatJid }) > 0;
    }
}
