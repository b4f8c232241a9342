using Dapper;
using LanguageExt;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Store.Repositories;

/// <summary>The durable <c>outbox</c>: replies are queued here before sending and marked sent afterwards.</summary>
public sealed class OutboxRepository
{
    private readonly StoreConnections db;

    internal OutboxRepository(StoreConnections db) => this.db = db;

    /// <summary>Queues a message; returns its id.</summary>
    public long Enqueue(string chatJid, string text, DateTimeOffset createdAt)
    {
        using var c = db.Open();
        return c.ExecuteScalar<long>(
            "INSERT INTO outbox (chat_jid, text, created_at, attempts) VALUES (@chatJid, @text, @createdAt, 0) RETURNING id",
            new { chatJid, text, createdAt = IsoTimestamp.From(createdAt) });
    }

    /// <summary>Queues a file with its caption (may be empty); returns its id.</summary>
    public long EnqueueFile(string chatJid, string caption, OutboxFile file, DateTimeOffset createdAt)
    {
        using var c = db.Open();
        return c.ExecuteScalar<long>(
            "INSERT INTO outbox (chat_jid, text, created_at, attempts, file_path, file_mime, file_kind, file_name) " +
            "VALUES (@chatJid, @caption, @createdAt, 0, @path, @mime, @kind, @name) RETURNING id",
            new { chatJid, caption, createdAt = IsoTimestamp.From(createdAt), path = file.Path, mime = file.Mime, kind = file.Kind, name = file.Name });
    }

    /// <summary>Messages not yet sent, in id (queue) order.</summary>
    public Seq<OutboxEntry> Pending()
    {
        using var c = db.Open();
        return c.Query<(long, string, string, string, long, string?, string?, string?, string?, string?)>(
                "SELECT id, chat_jid, text, created_at, attempts, last_error, file_path, file_mime, file_kind, file_name " +
                "FROM outbox WHERE sent_at IS NULL AND given_up_at IS NULL ORDER BY id")
            .Select(r => new OutboxEntry(r.Item1, r.Item2, r.Item3, r.Item4, (int)r.Item5, Optional(r.Item6))
            {
                File = r.Item7 is { } path ? Some(new OutboxFile(path, r.Item8 ?? "application/octet-stream", r.Item9 ?? "document", r.Item10 ?? "file")) : None,
            })
            .ToSeq().Strict();
    }

    /// <summary>Marks a message sent; false when it was unknown or already sent.</summary>
    public bool MarkSent(long id, DateTimeOffset at)
    {
        using var c = db.Open();
        return c.Execute("UPDATE outbox SET sent_at = @at WHERE id = @id AND sent_at IS NULL", new { id, at = IsoTimestamp.From(at) }) > 0;
    }

    /// <summary>Records a failed attempt (the message stays pending).</summary>
    public bool RecordFailure(long id, string error)
    {
        using var c = db.Open();
        return c.Execute("UPDATE outbox SET attempts = attempts + 1, last_error = @error WHERE id = @id AND sent_at IS NULL", new { id, error }) > 0;
    }

    /// <summary>
    /// Moves a message aside for good (a chat the channel will never deliver to): kept with the reason in
    /// <c>last_error</c>, no longer pending; false when it was unknown, sent or already moved aside.
    /// </summary>
    public bool GiveUp(long id, string reason, DateTimeOffset at)
    {
        using var c = db.Open();
        return c.Execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = @reason, given_up_at = @at WHERE id = @id AND sent_at IS NULL AND given_up_at IS NULL",
            new { id, reason, at = IsoTimestamp.From(at) }) > 0;
    }

    /// <summary>Messages moved aside (<see cref="GiveUp"/>), oldest first, with the reason in <see cref="OutboxEntry.LastError"/>.</summary>
    public Seq<OutboxEntry> GivenUp()
    {
        using var c = db.Open();
        return c.Query<(long, string, string, string, long, string?)>(
                "SELECT id, chat_jid, text, created_at, attempts, last_error FROM outbox WHERE given_up_at IS NOT NULL ORDER BY id")
            .Select(r => new OutboxEntry(r.Item1, r.Item2, r.Item3, r.Item4, (int)r.Item5, Optional(r.Item6)))
            .ToSeq().Strict();
    }

    /// <summary>Sent time of a message, if sent.</summary>
    public Option<string> SentAt(long id)
    {
        using var c = db.Open();
        return Optional(c.QueryFirstOrDefault<string?>("SELECT sent_at FROM outbox WHERE id = @id", new { id }));
    }
}
