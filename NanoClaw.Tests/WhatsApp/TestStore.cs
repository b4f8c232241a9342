using Dapper;
using LanguageExt;
using Microsoft.Data.Sqlite;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Ingest;
using NanoClaw.Shell.WhatsApp;
using NanoClaw.Shell.WhatsApp.Outbox;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.WhatsApp;

/// <summary>
/// A real SQLite file with the store's chats/messages/registered_groups columns and an outbox table,
/// implementing the channel's and ingestion's store interfaces. Each instance opens its own
/// connections, so "restarting the daemon" is making a new instance on the same file.
/// </summary>
public sealed class TestStore : IOutbox, IIngestStore, IGroupSyncState
{
    private readonly string connectionString;

    public TestStore(string path)
    {
        connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        using var db = Open();
        db.Execute("""
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS chats (jid TEXT PRIMARY KEY, name TEXT, last_message_time TEXT, channel TEXT, is_group INTEGER DEFAULT 0);
            CREATE TABLE IF NOT EXISTS messages (id TEXT, chat_jid TEXT, sender TEXT, sender_name TEXT, content TEXT, timestamp TEXT,
              is_from_me INTEGER, is_bot_message INTEGER DEFAULT 0, reply_to_message_id TEXT, reply_to_message_content TEXT,
              reply_to_sender_name TEXT, PRIMARY KEY (id, chat_jid));
            CREATE TABLE IF NOT EXISTS registered_groups (jid TEXT PRIMARY KEY, name TEXT, folder TEXT UNIQUE, trigger_pattern TEXT, added_at TEXT);
            CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL, text TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT);
            """);
    }

    private SqliteConnection Open()
    {
        var db = new SqliteConnection(connectionString);
        db.Open();
        db.Execute("PRAGMA busy_timeout = 5000;");
        return db;
    }

    public void Register(string jid, string folder)
    {
        using var db = Open();
        db.Execute("INSERT INTO registered_groups (jid, name, folder, trigger_pattern, added_at) VALUES (@jid, @folder, @folder, '@Andy', '2026-01-01T00:00:00.000Z')",
            new { jid, folder });
    }

    public long Enqueue(string jid, string text)
    {
        using var db = Open();
        return db.ExecuteScalar<long>("INSERT INTO outbox (jid, text) VALUES (@jid, @text); SELECT last_insert_rowid();", new { jid, text });
    }

    public IReadOnlyList<OutboxItem> Pending()
    {
        using var db = Open();
        return db.Query<(long Id, string Jid, string Text)>("SELECT id, jid, text FROM outbox ORDER BY id")
            .Select(r => new OutboxItem(r.Id, r.Jid, r.Text)).ToList();
    }

    public void MarkSent(long id)
    {
        using var db = Open();
        db.Execute("DELETE FROM outbox WHERE id = @id", new { id });
    }

    public void RecordFailure(long id, string error)
    {
        using var db = Open();
        db.Execute("UPDATE outbox SET attempts = attempts + 1, last_error = @error WHERE id = @id", new { id, error });
    }

    public void UpsertChat(Chat chat)
    {
        using var db = Open();
        db.Execute("""
            INSERT INTO chats (jid, name, last_message_time, channel, is_group)
            VALUES (@Jid, CASE WHEN @Name = '' THEN @Jid ELSE @Name END, @Time, @Channel, @IsGroup)
            ON CONFLICT(jid) DO UPDATE SET
              name = CASE WHEN excluded.name = excluded.jid THEN chats.name ELSE excluded.name END,
              last_message_time = MAX(COALESCE(chats.last_message_time, ''), excluded.last_message_time),
              channel = COALESCE(excluded.channel, chats.channel), is_group = excluded.is_group
            """, new { chat.Jid, chat.Name, Time = chat.LastMessageTime, Channel = chat.Channel.IfNoneUnsafe((string?)null), IsGroup = chat.IsGroup ? 1 : 0 });
    }

    public bool StoreMessage(ChatMessage m)
    {
        using var db = Open();
        var reply = m.ReplyTo.IfNoneUnsafe((ReplyReference?)null);
        return db.Execute("""
            INSERT OR IGNORE INTO messages (id, chat_jid, sender, sender_name, content, timestamp, is_from_me, is_bot_message,
              reply_to_message_id, reply_to_message_content, reply_to_sender_name)
            VALUES (@Id, @ChatJid, @Sender, @SenderName, @Content, @Timestamp, @FromMe, @Bot, @ReplyId, @ReplyContent, @ReplySender)
            """, new
        {
            m.Id, m.ChatJid, m.Sender, m.SenderName, m.Content, m.Timestamp,
            FromMe = m.IsFromMe ? 1 : 0, Bot = m.IsBotMessage ? 1 : 0,
            ReplyId = reply?.MessageId, ReplyContent = reply?.Content.IfNoneUnsafe((string?)null), ReplySender = reply?.SenderName.IfNoneUnsafe((string?)null),
        }) == 1;
    }

    public bool IsRegistered(string jid)
    {
        using var db = Open();
        return db.ExecuteScalar<long>("SELECT COUNT(*) FROM registered_groups WHERE jid = @jid", new { jid }) > 0;
    }

    public Option<DateTimeOffset> LastSync()
    {
        using var db = Open();
        var text = db.ExecuteScalar<string?>("SELECT last_message_time FROM chats WHERE jid = @jid", new { jid = IGroupSyncState.ReservedJid });
        return text is null ? None : IsoTimestamp.Parse(text);
    }

    public void MarkSynced(DateTimeOffset at)
    {
        using var db = Open();
        db.Execute("INSERT OR REPLACE INTO chats (jid, name, last_message_time) VALUES (@jid, @jid, @time)",
            new { jid = IGroupSyncState.ReservedJid, time = IsoTimestamp.From(at) });
    }

    // ---- queries for assertions ----

    public IReadOnlyList<(string Id, string ChatJid, string Content, long IsBot)> Messages()
    {
        using var db = Open();
        return db.Query<(string, string, string, long)>("SELECT id, chat_jid, content, is_bot_message FROM messages ORDER BY timestamp, id").ToList();
    }

    public IReadOnlyList<(string Jid, string Name, string? Time)> Chats()
    {
        using var db = Open();
        return db.Query<(string, string, string?)>("SELECT jid, name, last_message_time FROM chats ORDER BY jid").ToList();
    }
}
