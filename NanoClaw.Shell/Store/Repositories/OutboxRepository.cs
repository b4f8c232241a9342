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

    /// <summary>Messages not yet sent, in id (queue) order.</summary>
    public Seq<OutboxEntry> Pending()
    {
        using var c = db.Open();
        return c.Query<(long, string, string, string, long, string?)>(
                "SELECT id, chat_jid, text, created_at, attempts, last_error FROM outbox WHERE sent_at IS NULL ORDER BY id")
            .Select(r => new OutboxEntry(r.Item1, r.Item2, r.Item3, r.Item4, (int)r.Item5, Optional(r.Item6)))
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

    /// <summary>Sent time of a message, if sent.</summary>
    public Option<string> SentAt(long id)
    {
        using var c = db.Open();
        return Optional(c.QueryFirstOrDefault<string?>("SELECT sent_at FROM outbox WHERE id = @id", new { id }));
    }
}
