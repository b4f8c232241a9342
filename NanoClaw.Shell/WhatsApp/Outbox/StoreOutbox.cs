using NanoClaw.Shell.Store;

namespace NanoClaw.Shell.WhatsApp.Outbox;

/// <summary>The channel's outbox on the SQLite store's <c>outbox</c> table.</summary>
public sealed class StoreOutbox(NanoClawStore store, TimeProvider clock) : IOutbox
{
    public long Enqueue(string jid, string text) => store.Outbox.Enqueue(jid, text, clock.GetUtcNow());

    public long EnqueueFile(string jid, string caption, OutboxFile file) => store.Outbox.EnqueueFile(jid, caption, file, clock.GetUtcNow());

    public IReadOnlyList<OutboxItem> Pending() =>
        store.Outbox.Pending().Map(e => new OutboxItem(e.Id, e.ChatJid, e.Text) { File = e.File.MatchUnsafe(f => f, () => null) }).ToList();

    public void MarkSent(long id) => store.Outbox.MarkSent(id, clock.GetUtcNow());

    public void RecordFailure(long id, string error) => store.Outbox.RecordFailure(id, error);

    public void GiveUp(long id, string reason) => store.Outbox.GiveUp(id, reason, clock.GetUtcNow());

    public void Readdress(string fromJid, string toJid) => ChatMove.MovePending(store, fromJid, toJid);
}
