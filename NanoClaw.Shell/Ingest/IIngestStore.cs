using NanoClaw.Core.Domain;

namespace NanoClaw.Shell.Ingest;

/// <summary>What ingestion needs from the store (the <c>chats</c> and <c>messages</c> tables).</summary>
public interface IIngestStore
{
    /// <summary>
    /// Records chat activity or a name: inserts the chat, or updates it keeping the newest
    /// <c>last_message_time</c>; an empty name or time means "unknown, keep what is stored".
    /// </summary>
    void UpsertChat(Chat chat);

    /// <summary>Stores a message; false when a row with the same (id, chat) was already there.</summary>
    bool StoreMessage(ChatMessage message);

    /// <summary>True when the chat is a registered group.</summary>
    bool IsRegistered(string jid);

    /// <summary>Every registered group by chat jid.</summary>
    LanguageExt.Map<string, RegisteredGroup> Groups();

    /// <summary>Moves a registered group (and its tasks and pending replies) to its chat's new id; false when nothing moved.</summary>
    bool MoveGroup(string fromJid, string toJid);
}
