namespace NanoClaw.Shell.WhatsApp.Outbox;

/// <summary>One queued outbound message.</summary>
public sealed record OutboxItem(long Id, string Jid, string Text)
{
    /// <summary>For a file: the host-owned copy and how to send it; <see cref="Text"/> is then its caption.</summary>
    public Store.OutboxFile? File { get; init; }
}

/// <summary>
/// The durable outbox the channel sends from: a message stays here until the sidecar confirms it.
/// Backed by the SQLite store (<c>OutboxRepository</c>); an interface so the channel does not depend on its schema.
/// </summary>
public interface IOutbox
{
    /// <summary>Queues a message; returns its id. Durable when this returns.</summary>
    long Enqueue(string jid, string text);

    /// <summary>Queues a file (a host-owned copy) with its caption; returns its id. Durable when this returns.</summary>
    long EnqueueFile(string jid, string caption, Store.OutboxFile file);

    /// <summary>Every message not yet confirmed, oldest first.</summary>
    IReadOnlyList<OutboxItem> Pending();

    /// <summary>The sidecar confirmed delivery: the message leaves the outbox.</summary>
    void MarkSent(long id);

    /// <summary>A send attempt failed; the message stays queued.</summary>
    void RecordFailure(long id, string error);

    /// <summary>The chat will never take this message: it is moved aside (kept, with the reason) and no longer pending.</summary>
    void GiveUp(long id, string reason);

    /// <summary>The chat now has another id (a Telegram supergroup upgrade): its pending messages are re-addressed to it.</summary>
    void Readdress(string fromJid, string toJid);
}
