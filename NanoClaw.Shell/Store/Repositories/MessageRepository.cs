using System.Text.Json;
using Dapper;
using LanguageExt;
using Microsoft.Data.Sqlite;
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
        "reply_to_message_id, reply_to_message_content, reply_to_sender_name, addresses_assistant";

    // Bot messages are excluded by their flag alone, as the core's BatchRules does. NanoClaw also dropped any
    // content starting with "Name:" as a backstop for rows written before the flag existed; the upgrade has
    // backfilled those rows, and with a dedicated number the backstop would drop a human's "Andy: …".
    // Whitespace-only content is filtered in C# with the core's definition of whitespace.
    // A message with attachments but no text (a photo without a caption) counts as content too.
    private const string HumanWithContent =
        "COALESCE(is_bot_message, 0) = 0 AND ((content IS NOT NULL AND content <> '') " +
        "OR EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = messages.id AND a.chat_jid = messages.chat_jid))";

    private const string AttachmentColumns =
        "message_id, chat_jid, position, kind, mime, size, path, status, caption, original_name, transcript";

    internal const string StoredStatus = "stored";

    // The hot reads' columns: the message's, then whether it has attachment rows (one seek on the attachments primary
    // key), so the attachments are looked up only for the rows that have some (issue 16: the second statement ran on
    // every non-empty poll and batch, with every row's id serialised as JSON, although nearly no message has files).
    private const string HotColumns =
        $"{MessageColumns}, EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = messages.id AND a.chat_jid = messages.chat_jid)";

    // The chat list is one JSON array parameter read by json_each, so the statement text never changes with the number
    // of chats and stays compiled (Dapper expanded `IN @jids` into one parameter per chat: a new statement every poll).
    // Each listed chat is one range seek on idx_messages_chat_timestamp, also when nothing is new (the idle poll: ~0.4 µs
    // a chat). An EXISTS guard on idx_timestamp made the idle poll one seek, but that index cost every stored message a
    // b-tree page (V10 dropped it, issue 16).
    internal const string NewMessagesSql =
        $"SELECT {HotColumns} FROM messages WHERE timestamp > @cursor AND chat_jid IN " +
        "(SELECT value FROM json_each(@jids)) " +
        $"AND {HumanWithContent} ORDER BY timestamp, id";

    internal const string BatchSql =
        $"SELECT {HotColumns} FROM messages WHERE chat_jid = @chatJid AND timestamp > @cursor AND {HumanWithContent} ORDER BY timestamp, id";

    // Message ids are chosen by the sender's client, so an id may come back from someone else: the stored message is
    // replaced only when the same sender sends that id again (an edit or a redelivery), never by another member
    // (F18). One statement, as before: the sender check is the upsert's WHERE, not an extra read.
    internal const string StoreMessageSql =
        $"INSERT INTO messages ({MessageColumns}) VALUES " +
        "(@Id, @ChatJid, @Sender, @SenderName, @Content, @Timestamp, @IsFromMe, @IsBot, @ReplyId, @ReplyContent, @ReplySender, @Addresses) " +
        "ON CONFLICT(id, chat_jid) DO UPDATE SET sender = excluded.sender, sender_name = excluded.sender_name, content = excluded.content, " +
        "timestamp = excluded.timestamp, is_from_me = excluded.is_from_me, is_bot_message = excluded.is_bot_message, " +
        "reply_to_message_id = excluded.reply_to_message_id, reply_to_message_content = excluded.reply_to_message_content, " +
        "reply_to_sender_name = excluded.reply_to_sender_name, addresses_assistant = excluded.addresses_assistant " +
        "WHERE messages.sender IS excluded.sender";

    /// <summary>
    /// Stores a message, or replaces the stored one with the same id when the same sender sent it again; a reused id
    /// from a different sender leaves the stored message as it is. A chat row is created first if missing, so the
    /// foreign key holds.
    /// </summary>
    internal const string EnsureChatSql =
        "INSERT INTO chats (jid, name, last_message_time) VALUES (@jid, @jid, @ts) ON CONFLICT(jid) DO NOTHING";

    private static readonly string[] StoreMessageParameters =
        ["@Id", "@ChatJid", "@Sender", "@SenderName", "@Content", "@Timestamp", "@IsFromMe", "@IsBot", "@ReplyId", "@ReplyContent", "@ReplySender", "@Addresses"];

    // SQLITE_CONSTRAINT_FOREIGNKEY: the message's chat row does not exist yet.
    private const int ForeignKeyViolation = 787;

    public void Store(ChatMessage message)
    {
        // A message with attachments takes the general path: chat, message and its attachment rows in one
        // transaction. Only text messages (nearly all) take the prepared fast path below. A text-only re-store by the
        // same sender therefore leaves earlier attachment rows in place (a re-sent message keeps its media anyway).
        if (!message.Attachments.IsEmpty)
        {
            StoreWithAttachments(message);
            return;
        }
        // The chat row almost always exists (ingest records chat metadata first), so the message goes in as one
        // statement in its own implicit transaction; only when the foreign key refuses it is the chat row created,
        // together with the message in one transaction. Same end state as always doing both, one statement instead
        // of three (BEGIN, chat, message, COMMIT). Without foreign keys (the migrator's connections) a missing chat
        // cannot be detected, so both statements run.
        if (db.ForeignKeys)
        {
            try
            {
                db.WithPrepared(c => StoreRaw(c.Statement(StoreMessageSql), message));
                return;
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == ForeignKeyViolation)
            {
            }
        }
        db.WithPrepared(c =>
        {
            var chat = c.Command(EnsureChatSql, "@jid", "@ts");
            chat.Parameters[0].Value = message.ChatJid;
            chat.Parameters[1].Value = message.Timestamp;
            var insert = BindMessage(c, message);
            c.InTransaction([chat, insert], () =>
            {
                chat.ExecuteNonQuery();
                insert.ExecuteNonQuery();
            });
            return 0;
        });
    }

    private void StoreWithAttachments(ChatMessage message) =>
        db.InTransaction((c, t) =>
        {
            c.Execute("INSERT INTO chats (jid, name, last_message_time) VALUES (@jid, @jid, @ts) ON CONFLICT(jid) DO NOTHING",
                new { jid = message.ChatJid, ts = message.Timestamp }, t);
            var written = c.Execute(StoreMessageSql,
                new
                {
                    message.Id, message.ChatJid, message.Sender, message.SenderName, message.Content, message.Timestamp,
                    IsFromMe = message.IsFromMe ? 1 : 0,
                    IsBot = message.IsBotMessage ? 1 : 0,
                    ReplyId = message.ReplyTo.Map(r => r.MessageId).MatchUnsafe(v => v, () => null),
                    ReplyContent = message.ReplyTo.Bind(r => r.Content).MatchUnsafe(v => v, () => null),
                    ReplySender = message.ReplyTo.Bind(r => r.SenderName).MatchUnsafe(v => v, () => null),
                    Addresses = message.AddressesAssistant ? 1 : 0,
                }, t);
            // Attachments follow their message: replaced only when the message row was (same sender, F18).
            if (written == 0) return;
            c.Execute("DELETE FROM attachments WHERE message_id = @Id AND chat_jid = @ChatJid", new { message.Id, message.ChatJid }, t);
            var position = 0;
            foreach (var a in message.Attachments)
                c.Execute($"INSERT INTO attachments ({AttachmentColumns}) VALUES " +
                          "(@Id, @ChatJid, @Position, @Kind, @Mime, @Size, @Path, @Status, @Caption, @OriginalName, @Transcript)",
                    new
                    {
                        message.Id, message.ChatJid, Position = position++, a.Kind, a.Mime, a.Size,
                        Path = StoreValues.OrNull(a.File),
                        Status = a.File.IsSome ? StoredStatus : a.Reason.IfNone("not downloaded"),
                        Caption = StoreValues.OrNull(a.Caption),
                        OriginalName = StoreValues.OrNull(a.OriginalName),
                        Transcript = StoreValues.OrNull(a.Transcript),
                    }, t);
        });

    // The fast path's binding, by position: StoreMessageSql's parameters in order of first appearance.
    private static int StoreRaw(RawStatement s, ChatMessage message)
    {
        s.Text(1, message.Id);
        s.Text(2, message.ChatJid);
        s.Text(3, message.Sender);
        s.Text(4, message.SenderName);
        s.Text(5, message.Content);
        s.Text(6, message.Timestamp);
        s.Int(7, message.IsFromMe ? 1 : 0);
        s.Int(8, message.IsBotMessage ? 1 : 0);
        if (message.ReplyTo.Case is ReplyReference reply)
        {
            s.Text(9, reply.MessageId);
            s.Text(10, reply.Content.Case as string);
            s.Text(11, reply.SenderName.Case as string);
        }
        else
        {
            s.Text(9, null);
            s.Text(10, null);
            s.Text(11, null);
        }
        s.Int(12, message.AddressesAssistant ? 1 : 0);
        return s.Execute();
    }

    private static SqliteCommand BindMessage(PreparedConnection c, ChatMessage message)
    {
        var command = c.Command(StoreMessageSql, StoreMessageParameters);
        var p = command.Parameters;
        p[0].Value = message.Id;
        p[1].Value = message.ChatJid;
        p[2].Value = message.Sender;
        p[3].Value = message.SenderName;
        p[4].Value = message.Content;
        p[5].Value = message.Timestamp;
        p[6].Value = message.IsFromMe ? 1 : 0;
        p[7].Value = message.IsBotMessage ? 1 : 0;
        p[8].Value = message.ReplyTo.Match(r => (object)r.MessageId, () => DBNull.Value);
        p[9].Value = message.ReplyTo.Bind(r => r.Content).Match(v => (object)v, () => DBNull.Value);
        p[10].Value = message.ReplyTo.Bind(r => r.SenderName).Match(v => (object)v, () => DBNull.Value);
        p[11].Value = message.AddressesAssistant ? 1 : 0;
        return command;
    }

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
        // Serialised, not concatenated: a jid is hostile text and must stay one JSON string whatever it contains.
        var jidsJson = JsonSerializer.Serialize(list, StoreJson.Default.StringArray);
        var rows = WithAttachments(db.WithPrepared(c =>
        {
            var statement = c.Statement(NewMessagesSql);
            statement.Text(1, cursor);
            statement.Text(2, jidsJson);
            return ReadMessages(statement);
        }));
        var newest = rows.Fold(cursor, (max, m) => string.CompareOrdinal(m.Timestamp, max) > 0 ? m.Timestamp : max);
        return (rows, newest);
    }

    /// <summary>A chat's messages after its agent cursor (bot and empty excluded), oldest first: the agent's next batch.</summary>
    public Seq<ChatMessage> BatchSince(string chatJid, string agentCursor)
    {
        return WithAttachments(db.WithPrepared(c =>
        {
            var statement = c.Statement(BatchSql);
            statement.Text(1, chatJid);
            statement.Text(2, agentCursor);
            return ReadMessages(statement);
        }));
    }

    /// <summary>
    /// Reads rows of <see cref="HotColumns"/> in order (the hot queries' mapping, without Dapper); attachments and the text
    /// filter come after. <c>WithFiles</c>: the row has attachment rows.
    /// </summary>
    private static List<(ChatMessage Message, bool WithFiles)> ReadMessages(RawStatement statement)
    {
        var messages = new List<(ChatMessage, bool)>();
        while (statement.Read())
        {
            var replyId = statement.String(8);
            var message = new ChatMessage(
                statement.String(0) ?? "",
                statement.String(1) ?? "",
                statement.String(2) ?? "",
                statement.String(3) ?? "",
                statement.String(4) ?? "",
                statement.String(5) ?? "",
                !statement.IsNull(6) && statement.Int64(6) == 1,
                !statement.IsNull(7) && statement.Int64(7) == 1,
                replyId is not null
                    ? Some(new ReplyReference(replyId, Optional(statement.String(9)), Optional(statement.String(10))))
                    : None)
            {
                AddressesAssistant = !statement.IsNull(11) && statement.Int64(11) == 1,
            };
            messages.Add((message, statement.Int64(12) == 1));
        }
        return messages;
    }

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

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
        return WithAttachments(c, c.Query<MessageRow>($"SELECT {MessageColumns} FROM messages WHERE chat_jid = @chatJid ORDER BY timestamp, id", new { chatJid })
                .Select(ToMessage).ToList())
            .ToSeq().Strict();
    }

    private static bool HasText(ChatMessage m) => m.HasSubstance;

    // The hot queries' rows with their attachments, keeping those with substance. No rows (the idle poll): no query.
    // The hot reads' attachment lookup: one prepared statement on a kept connection, the ids as one JSON parameter
    // (issue 16: Dapper's `IN @ids` made a new statement, compiled anew, for every poll and batch, on a fresh pooled
    // connection). Same rows and order as the general path below.
    internal const string AttachmentsOfSql =
        $"SELECT {AttachmentColumns} FROM attachments WHERE message_id IN (SELECT value FROM json_each(@ids)) ORDER BY position";

    private Seq<ChatMessage> WithAttachments(List<(ChatMessage Message, bool WithFiles)> rows)
    {
        if (rows.Count == 0) return Seq<ChatMessage>();
        Dictionary<(string, string), List<Attachment>>? found = null;
        if (rows.Exists(r => r.WithFiles))
        {
            var ids = JsonSerializer.Serialize(rows.Where(r => r.WithFiles).Select(r => r.Message.Id).Distinct().ToArray(), StoreJson.Default.StringArray);
            found = db.WithPrepared(c =>
            {
                var command = c.Command(AttachmentsOfSql, "@ids");
                command.Parameters[0].Value = ids;
                return ReadAttachments(command);
            });
        }
        var messages = new List<ChatMessage>(rows.Count);
        foreach (var (row, _) in rows)
        {
            var message = found is not null && found.TryGetValue((row.Id, row.ChatJid), out var attached)
                ? row with { Attachments = attached.ToSeq().Strict() }
                : row;
            if (HasText(message)) messages.Add(message);
        }
        return toSeq(messages).Strict();
    }

    /// <summary>Attachment rows by (message id, chat), in position order; null when there are none (the common case).</summary>
    private static Dictionary<(string, string), List<Attachment>>? ReadAttachments(SqliteCommand command)
    {
        Dictionary<(string, string), List<Attachment>>? found = null;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found ??= [];
            var key = (reader.GetString(0), reader.GetString(1));
            if (!found.TryGetValue(key, out var list)) found[key] = list = [];
            string? status = Text(reader, 7);
            list.Add(new Attachment(
                AttachmentKinds.Normalise(Text(reader, 3)), Text(reader, 4) ?? "application/octet-stream",
                reader.IsDBNull(5) ? -1 : reader.GetInt64(5),
                Optional(Text(reader, 6)), status == StoredStatus || status is null ? None : Some(status),
                Optional(Text(reader, 8)), Optional(Text(reader, 9)), Optional(Text(reader, 10))));
        }
        return found;
    }

    // One query for the attachments of all the rows (ids in chunks well under SQLite's parameter limit).
    private static List<ChatMessage> WithAttachments(System.Data.IDbConnection c, List<ChatMessage> messages)
    {
        if (messages.Count == 0) return messages;
        var found = new Dictionary<(string, string), List<Attachment>>();
        foreach (var chunk in messages.Select(m => m.Id).Distinct().Chunk(500))
            foreach (var r in c.Query<AttachmentRow>(
                         $"SELECT {AttachmentColumns} FROM attachments WHERE message_id IN @ids ORDER BY position", new { ids = chunk }))
            {
                var key = (r.message_id, r.chat_jid);
                if (!found.TryGetValue(key, out var list)) found[key] = list = [];
                list.Add(new Attachment(
                    AttachmentKinds.Normalise(r.kind), r.mime ?? "application/octet-stream", r.size ?? -1,
                    Optional(r.path), r.status == StoredStatus || r.status is null ? None : Some(r.status),
                    Optional(r.caption), Optional(r.original_name), Optional(r.transcript)));
            }
        if (found.Count == 0) return messages;
        for (var i = 0; i < messages.Count; i++)
            if (found.TryGetValue((messages[i].Id, messages[i].ChatJid), out var attached))
                messages[i] = messages[i] with { Attachments = attached.ToSeq().Strict() };
        return messages;
    }

    private static ChatMessage ToMessage(MessageRow r) => new(
        r.id,
        r.chat_jid,
        r.sender ?? "",
        r.sender_name ?? "",
        r.content ?? "",
        r.timestamp ?? "",
        r.is_from_me == 1,
        r.is_bot_message == 1,
        Optional(r.reply_to_message_id).Map(id => new ReplyReference(id, Optional(r.reply_to_message_content), Optional(r.reply_to_sender_name))))
    {
        AddressesAssistant = r.addresses_assistant == 1,
    };

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
        public long? addresses_assistant { get; set; }
    }

    private sealed class AttachmentRow
    {
        public string message_id { get; set; } = "";
        public string chat_jid { get; set; } = "";
        public string? kind { get; set; }
        public string? mime { get; set; }
        public long? size { get; set; }
        public string? path { get; set; }
        public string? status { get; set; }
        public string? caption { get; set; }
        public string? original_name { get; set; }
        public string? transcript { get; set; }
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
