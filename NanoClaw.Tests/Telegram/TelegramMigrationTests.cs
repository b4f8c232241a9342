using System.Reactive.Linq;
using Dapper;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Ingest;
using NanoClaw.Shell.Telegram;
using NanoClaw.Tests.Shell.Store;
using NanoClaw.Tests.Support.FakeTelegram;
using NanoClaw.Tests.WhatsApp;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Telegram.TelegramTestBed;

namespace NanoClaw.Tests.Telegram;

/// <summary>
/// A group upgraded to a supergroup gets a new chat id: the registered group follows it (announced by the service
/// messages, or learned from a send's 400 with migrate_to_chat_id), with its tasks and pending replies; the fake Bot API
/// answers as Telegram does, the store is real, the channel is wired into ingestion as the daemon wires it.
/// </summary>
[Trait("Category", "Telegram")]
public sealed class TelegramMigrationTests : IDisposable
{
    private const long OldGroup = -555;
    private const long Supergroup = -100555;
    private readonly TempStoreDir dir = new();

    public void Dispose() => dir.Dispose();

    private static string Old => TelegramMapping.Jid(OldGroup);
    private static string New => TelegramMapping.Jid(Supergroup);

    private sealed record Wired(TelegramChannel Channel, InboundIngest Ingest, List<ChatMessage> Stored, List<RegisteredGroup> Moved) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Channel.DisposeAsync();
            Ingest.Dispose();
        }
    }

    private static Wired Wire(FakeTelegramBotApi fake, TestStore store)
    {
        var moved = new List<RegisteredGroup>();
        var ingest = new InboundIngest(store.Ingest, Serilog.Core.Logger.None) { GroupMoved = g => { lock (moved) moved.Add(g); } };
        var stored = new List<ChatMessage>();
        ingest.Stored.Subscribe(m => { lock (stored) stored.Add(m); });
        var channel = Channel(fake, store, progress: new StoreTelegramSendProgress(store.Db));
        ingest.Attach(channel);
        return new Wired(channel, ingest, stored, moved);
    }

    private static void AddTask(TestStore store, string id, string jid) =>
        Assert.True(store.Db.Tasks.Create(new ScheduledTask(id, "family", jid, "water the plants", ScheduleType.Interval, "3600000",
            ContextMode.Group, None, Some("2026-12-01T08:00:00.000Z"), None, None, NanoClaw.Core.Domain.TaskStatus.Active, "2026-11-01T00:00:00.000Z")));

    [Fact]
    public async Task The_announced_upgrade_moves_the_group_with_its_tasks_and_the_supergroups_messages_reach_it()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        store.Register(Old, "family");
        AddTask(store, "t-plants", Old);
        await using var wired = Wire(fake, store);
        await wired.Channel.ConnectAsync(CancellationToken.None);

        fake.Migrate(OldGroup, Supergroup);
        var id = fake.QueueText(Supergroup, "@NANO_test_bot are you still there?", chatTitle: "Family");

        // The message from the new id is stored as a registered group's message: the move came first.
        var message = await Eventually(wired.Stored, m => m.Id == id.ToString());
        Assert.Equal(New, message.ChatJid);
        var group = store.Db.Groups.Get(New).IfNone(() => throw new Xunit.Sdk.XunitException("the supergroup is not registered"));
        Assert.Equal(("family", "@Andy", true), (group.Folder, group.Trigger, group.RequiresTrigger));
        Assert.True(store.Db.Groups.Get(Old).IsNone);
        Assert.Equal(New, store.Db.Tasks.Get("t-plants").Map(t => t.ChatJid).IfNone(""));
        // Telegram announces the move twice (both chats): the group moved once.
        lock (wired.Moved) Assert.Equal([New], wired.Moved.Select(g => g.Jid));
    }

    [Fact]
    public async Task A_reply_to_the_old_id_is_delivered_to_the_supergroup_and_the_group_follows_when_the_announcement_was_missed()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        store.Register(Old, "family");
        fake.Migrate(OldGroup, Supergroup, announce: false);
        await using var wired = Wire(fake, store);
        await wired.Channel.ConnectAsync(CancellationToken.None);

        await wired.Channel.SendAsync(Old, "first reply", CancellationToken.None);
        await wired.Channel.SendAsync(Old, "second reply", CancellationToken.None);

        var second = await fake.Messages.WaitForAsync(m => m.Text == "second reply", Wait);
        Assert.Equal(Supergroup, second.ChatId);
        Assert.Equal(["first reply", "second reply"], fake.Messages.Snapshot().Where(m => m.ChatId == Supergroup).Select(m => m.Text));
        Assert.DoesNotContain(fake.Messages.Snapshot(), m => m.ChatId == OldGroup);
        await WaitUntil(() => store.Pending().Count == 0);
        Assert.Empty(store.Db.Outbox.GivenUp());
        Assert.True(store.Db.Groups.Get(New).IsSome);
        Assert.True(store.Db.Groups.Get(Old).IsNone);
        // The old id was tried once: the first 400 re-addressed both rows.
        Assert.Single(fake.Requests.Snapshot(), r => r.Status == 400);
    }

    [Fact]
    public async Task An_upgrade_onto_a_chat_that_is_registered_already_merges_nothing_but_replies_still_reach_the_new_id()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        store.Register(Old, "family");
        store.Register(New, "work");
        AddTask(store, "t-plants", Old);
        await using var wired = Wire(fake, store);
        await wired.Channel.ConnectAsync(CancellationToken.None);

        fake.Migrate(OldGroup, Supergroup);
        var id = fake.QueueText(Supergroup, "@NANO_test_bot hello", chatTitle: "Work");
        await Eventually(wired.Stored, m => m.Id == id.ToString());
        await wired.Channel.SendAsync(Old, "to the old id", CancellationToken.None);
        var sent = await fake.Messages.WaitForAsync(m => m.Text == "to the old id", Wait);

        // Both registrations stay as they were, each with its own folder; the task keeps its chat.
        Assert.Equal("family", store.Db.Groups.Get(Old).Map(g => g.Folder).IfNone(""));
        Assert.Equal("work", store.Db.Groups.Get(New).Map(g => g.Folder).IfNone(""));
        Assert.Equal(Old, store.Db.Tasks.Get("t-plants").Map(t => t.ChatJid).IfNone(""));
        lock (wired.Moved) Assert.Empty(wired.Moved);
        // Telegram says the old chat is the new one now: the reply goes where it can be read.
        Assert.Equal(Supergroup, sent.ChatId);
    }

    private static Task<ChatMessage> Eventually(List<ChatMessage> seen, Func<ChatMessage, bool> match) =>
        EndToEnd.Eventually.ValueAsync(() => { lock (seen) return seen.FirstOrDefault(match); }, Wait, () => "the message was not stored");
}
