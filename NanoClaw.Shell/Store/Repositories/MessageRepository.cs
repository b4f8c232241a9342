using Dapper;
using LanguageExt;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Store.Repositories;

/// <summary>The <c>messages</c> and <c>chats</c> tables.</summary>
public sealed class MessageRepository
{
    /// <summary>Reserved <c>chats</c> row where NanoClaw records the last group-metadata sync; never a real chat.</summary>
    public const string GroupSyncJid = "__group_sync__";

    private readonly StoreConnections db;

    internal MessageRepository(StoreConnections db) => this.db = db;

    private const string MessageColumns =
        "id, chat_jid, sender, sender_name, content, timestamp, is_from_me, is_bot_message, " +
        "reply_to_message_id, reply_to_message_content, reply_to_sender_name";

    // Bot messages are excluded by their flag alone, as the core's BatchRules does. NanoClaw also dropped any
    // content starting with "Name:" as a backstop for rows written before the flag existed; the upgrade has
    // backfilled those rows, and with a dedicated number the backstop would drop a human's "Andy: …".
    // Whitespace-only content is filtered in C# with the core's definition of whitespace.
    private const string HumanWithContent = "COALESCE(is_bot_message, 0) = 0 AND content IS NOT NULL AND content <> ''";

    internal const string NewMessagesSql =
        $"SELECT {MessageColumns} FROM messages WHERE timestamp > @cursor AND chat_jid IN @jids AND {HumanWithContent} ORDER BY timestamp, id";

    internal const string BatchSql =
        $"SELECT {MessageColumns} FROM messages WHERE chat_jid = @chatJid AND timestamp > @cursor AND {HumanWithContent} ORDER BY timestamp, id";

    // Message ids are chosen by the sender's client, so an id may come back from someone else: the stored message is
    // replaced only when the same sender sends that id again (an edit or a redelivery), never by another member
    // (F18). One statement, as before: the sender check is the upsert's WHERE, not an extra read.
    internal const string StoreMessageSql =
        $"INSERT INTO messages ({MessageColumns}) VALUES " +
        "(@Id, @ChatJid, @Sender, @SenderName, @Content, @Timestamp, @IsFromMe, @IsBot, @ReplyId, @ReplyContent, @ReplySender) " +
        "ON CONFLICT(id, chat_jid) DO UPDATE SET sender = excluded.sender, sender_name = excluded.sender_name, content = excluded.content, " +
        "timestamp = excluded.timestamp, is_from_me = excluded.is_from_me, is_bot_message = excluded.is_bot_message, " +
        "reply_to_message_id = excluded.reply_to_message_id, reply_to_message_content = excluded.reply_to_message_content, " +
        "reply_to_sender_name = excluded.reply_to_sender_name " +
        "WHERE messages.sender IS excluded.sender";

    /// <summary>
    /// Stores a message, or replaces the stored one with the same id when the same sender sent it again; a reused id
    /// from a different sender leaves the stored message as it is. A chat row is created first if missing, so the
    /// foreign key holds.
    /// </summary>
    public void Store(ChatMessage message) =>
        db.InTransaction((c, t) =>
        {
            c.Execute("INSERT INTO chats (jid, name, last_message_time) VALUES (@jid, @jid, @ts) ON CONFLICT(jid) DO NOTHING",
                new { jid = message.ChatJid, ts = message.Timestamp }, t);
            c.Execute(StoreMessageSql,
                new
                {
                    message.Id, message.ChatJid, message.Sender, message.SenderName, message.Content, message.Timestamp,
                    IsFromMe = message.IsFromMe ? 1 : 0,
                    IsBot = message.IsBotMessage ? 1 : 0,
                    ReplyId = message.ReplyTo.Map(r => r.MessageId).MatchUnsafe(v => v, () => null),
                    ReplyContent = message.ReplyTo.Bind(r => r.Content).MatchUnsafe(v => v, () => null),
                    ReplySender = message.ReplyTo.Bind(r => r.SenderName).MatchUnsafe(v => v, () => null),
                }, t);
        });

    /// <summary>
    /// Records chat metadata (NanoClaw's <c>storeChatMetadata</c>): the newest of the stored and given time is kept;
    /// a name replaces the stored one when given; channel and group flag fill in when given.
    /// </summary>
    public void StoreChatMetadata(string jid, string timestamp, Option<string> name, Option<string> channel, Option<bool> isGroup)
    {
        using var c = db.Open();
        var args = new
        {
            jid,
            ts = timestamp,
            name = name.Filter(n => n.Length > 0).IfNone(jid),
            channel = StoreValues.OrNull(channel),
            isGroup = isGroup.Map(g => (int?)(g ? 1 : 0)).IfNoneUnsafe((int?)null),
        };
        var setName = name.Filter(n => n.Length > 0).IsSome ? "name = excluded.name," : "";
        c.Execute($"""
            INSERT INTO chats (jid, name, last_message_time, channel, is_group) VALUES (@jid, @name, @ts, @channel, @isGroup)
            ON CONFLICT(jid) DO UPDATE SET {setName}
              last_message_time = MAX(COALESCE(last_message_time, ''), excluded.last_message_time),
              channel = COALESCE(excluded.channel, channel),
              is_group = COALESCE(excluded.is_group, is_group)
            """, args);
    }

    /// <summary>Sets a chat's name from group metadata without touching its activity time (new chats get <paramref name="now"/>).</summary>
    public void UpdateChatName(string jid, string name, DateTimeOffset now)
    {
        using var c = db.Open();
        c.Execute("INSERT INTO chats (jid, name, last_message_time) VALUES (@jid, @name, @ts) ON CONFLICT(jid) DO UPDATE SET name = excluded.name",
            new { jid, name, ts = IsoTimestamp.From(now) });
    }

    /// <summary>Every known chat, most recently active first; the reserved sync row is not a chat and is left out.</summary>
    public Seq<Chat> AllChats()
    {
        using var c = db.Open();
        return c.Query<ChatRow>(
                "SELECT jid, name, last_message_time, channel, is_group FROM chats WHERE jid <> @sync ORDER BY last_message_time DESC",
                new { sync = GroupSyncJid })
            .Select(r => new Chat(r.jid, r.name ?? r.jid, r.last_message_time ?? "", StoreValues.Opt(r.channel), r.is_group == 1))
            .ToSeq().Strict();
    }

    /// <summary>When group metadata was last synced, if ever.</summary>
    public Option<string> LastGroupSync()
    {
        using var c = db.Open();
        return Optional(c.QueryFirstOrDefault<string?>("SELECT last_message_time FROM chats WHERE jid = @sync", new { sync = GroupSyncJid }))
            .Filter(s => s.Length > 0);
    }

    public void SetLastGroupSync(DateTimeOffset now)
    {
        using var c = db.Open();
        c.Execute("INSERT OR REPLACE INTO chats (jid, name, last_message_time) VALUES (@sync, @sync, @ts)",
            new { sync = GroupSyncJid, ts = IsoTimestamp.From(now) });
    }

    /// <summary>
    /// Messages after <paramref name="cursor"/> in any of <paramref name="jids"/> (bot and empty excluded), in time order,
    /// and the newest timestamp among them (the cursor itself when there are none).
    /// </summary>
    public (Seq<ChatMessage> Messages, string NewCursor) NewMessages(IEnumerable<string> jids, string cursor)
    {
        var list = jids.Distinct().ToArray();
        if (list.Length == 0) return (Seq<ChatMessage>(), cursor);
        using var c = db.Open();
        var rows = c.Query<MessageRow>(NewMessagesSql, new { cursor, jids = list })
            .Select(ToMessage).Where(HasText).ToSeq().Strict();
        var newest = rows.Fold(cursor, (max, m) => string.CompareOrdinal(m.Timestamp, max) > 0 ? m.Timestamp : max);
        return (rows, newest);
    }

    /// <summary>A chat's messages after its agent cursor (bot and empty excluded), oldest first: the agent's next batch.</summary>
    public Seq<ChatMessage> BatchSince(string chatJid, string agentCursor)
    {
        using var c = db.Open();
        return c.Query<MessageRow>(BatchSql, new { chatJid, cursor = agentCursor })
            .Select(ToMessage).Where(HasText).ToSeq().Strict();
    }

    /// <summary>The timestamp of the assistant's newest message in a chat (its last reply), if it has one.</summary>
    public Option<string> LastBotMessageTimestamp(string chatJid)
    {
        using var c = db.Open();
        return Optional(c.ExecuteScalar<string?>(
            "SELECT MAX(timestamp) FROM messages WHERE chat_jid = @chatJid AND is_bot_message = 1", new { chatJid }));
    }

    /// <summary>Every stored message of a chat, bot messages included, oldest first.</summary>
    public Seq<ChatMessage> AllOfChat(string chatJid)
    {
        using var c = db.Open();
        return c.Query<MessageRow>($"SELECT {MessageColumns} FROM messages WHERE chat_jid = @chatJid ORDER BY timestamp, id", new { chatJid })
            .Select(ToMessage).ToSeq().Strict();
    }

    private static bool HasText(ChatMessage m) => !string.IsNullOrWhiteSpace(m.Content);

    private static ChatMessage ToMessage(MessageRow r) => new(
        r.id,
        r.chat_jid,
        r.sender ?? "",
        r.sender_name ?? "",
        r.content ?? "",
        r.timestamp ?? "",
        r.is_from_me == 1,
        r.is_bot_message == 1,
        Optional(r.reply_to_message_id).Map(id => new ReplyReference(id, Optional(r.reply_to_message_content), Optional(r.reply_to_sender_name))));

#pragma warning disable IDE1006 // Dapper maps columns by name.
    private sealed class MessageRow
    {
        public string id { get; set; } = "";
        public string chat_jid { get; set; } = "";
        public string? sender { get; set; }
        public string? sender_name { get; set; }
        public string? content { get; set; }
        public string? timestamp { get; set; }
        public long? is_from_me { get; set; }
        public long? is_bot_message { get; set; }
        public string? reply_to_message_id { get; set; }
        public string? reply_to_message_content { get; set; }
        public string? reply_to_sender_name { get; set; }
    }

    private sealed class ChatRow
    {
        public string jid { get; set; } = "";
        public string? name { get; set; }
        public string? last_message_time { get; set; }
        public string? channel { get; set; }
        public long? is_group { get; set; }
    }
#pragma warning restore IDE1006
}
