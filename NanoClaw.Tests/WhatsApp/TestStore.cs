using Dapper;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Ingest;
using NanoClaw.Shell.Store;
using NanoClaw.Shell.WhatsApp;
using NanoClaw.Shell.WhatsApp.Outbox;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.WhatsApp;

/// <summary>
/// The real SQLite store (migrated <c>messages.db</c> in a temp dir) with the channel's bindings, plus
/// queries for assertions. "Restarting the daemon" is opening a new instance on the same directory.
/// </summary>
public sealed class TestStore
{
    public TestStore(string storeDir)
    {
        Db = NanoClawStore.Open(storeDir, "Andy", ChannelHarness.Log);
        Outbox = new StoreOutbox(Db, TimeProvider.System);
        Ingest = new StoreIngest(Db, TimeProvider.System);
        GroupSync = new StoreGroupSyncState(Db);
    }

    public NanoClawStore Db { get; }
    public IOutbox Outbox { get; }
    public IIngestStore Ingest { get; }
    public IGroupSyncState GroupSync { get; }

    public void Register(string jid, string folder) =>
        Db.Groups.Upsert(new RegisteredGroup(jid, folder, folder, "@Andy", "2026-01-01T00:00:00.000Z", None, true, false))
            .IfLeft(error => Assert.Fail(error));

    public IReadOnlyList<OutboxItem> Pending() => Outbox.Pending();

    public Option<DateTimeOffset> LastSync() => GroupSync.LastSync();

    public IReadOnlyList<(string Id, string ChatJid, string Content, long IsBot)> Messages()
    {
        using var c = Db.Connections.Open();
        return c.Query<(string, string, string, long)>("SELECT id, chat_jid, content, is_bot_message FROM messages ORDER BY timestamp, id").ToList();
    }

    public IReadOnlyList<(string Jid, string Name, string Time)> Chats() =>
        Db.Messages.AllChats().Map(c => (c.Jid, c.Name, c.LastMessageTime)).ToList();
}
