using Dapper;
using NanoClaw.Core.Config;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Telegram;
using NanoClaw.Tests.Shell.Containers;
using NanoClaw.Tests.Shell.Store;
using NanoClaw.Tests.Support.FakeTelegram;
using NanoClaw.Tests.WhatsApp;

using static NanoClaw.Tests.Telegram.TelegramTestBed;

namespace NanoClaw.Tests.Telegram;

/// <summary>The Telegram channel against the fake Bot API, storing into a real SQLite store.</summary>
[Trait("Category", "Telegram")]
public sealed class TelegramChannelTests : IDisposable
{
    private readonly TempStoreDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task An_update_is_stored_with_its_mention_flag_and_the_offset_survives_a_restart_without_duplicates()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        var mentionId = fake.Queue(new IncomingMessage(-100555) { Text = "hey @NANO_test_bot look", ChatTitle = "Family" });
        var plainId = fake.QueueText(-100555, "just chatting", TelegramUser.Bob, "Family");
        var privateId = fake.QueueText(4242, "hello in private");

        await using (var first = Channel(fake, store))
        {
            var seen = Wire(first, store);
            await first.ConnectAsync(CancellationToken.None);
            // The next long poll after all three confirms them: the offset was saved after the messages were stored.
            await fake.HeldPolls.WaitForAsync(offset => offset > 0 && fake.PendingUpdates == 0, Wait);
            Assert.Equal(3, seen.Count);
        }
        using (var c = store.Db.Connections.Open())
        {
            var rows = c.Query<(string Id, string Chat, string Content, long Addressed)>(
                "SELECT id, chat_jid, content, addresses_assistant FROM messages ORDER BY id").ToList();
            Assert.Contains((mentionId.ToString(), "tg:-100555", "hey @NANO_test_bot look", 1L), rows);
            Assert.Contains((plainId.ToString(), "tg:-100555", "just chatting", 0L), rows);
            Assert.Contains((privateId.ToString(), "tg:4242", "hello in private", 0L), rows);
        }
        Assert.Contains(store.Chats(), c => c.Jid == "tg:-100555" && c.Name == "Family");
        var saved = new StoreTelegramOffset(store.Db).Load();
        Assert.NotNull(saved);

        // A new channel on the same store (a daemon restart) asks from the saved offset and sees nothing again.
        var restarted = new TestStore(dir.StoreDir);
        await using var second = Channel(fake, restarted);
        var again = Wire(second, restarted);
        var replyId = fake.Queue(new IncomingMessage(-100555) { Text = "and one more", ReplyToMessageId = null });
        await second.ConnectAsync(CancellationToken.None);
        await fake.HeldPolls.WaitForAsync(offset => offset > saved && fake.PendingUpdates == 0, Wait);
        Assert.Equal([replyId.ToString()], again.Select(m => m.Id));
    }

    [Fact]
    public async Task A_reply_to_the_bot_addresses_it_and_outbound_text_is_split_html_through_the_outbox()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        await using var channel = Channel(fake, store);
        var seen = Wire(channel, store);
        await channel.ConnectAsync(CancellationToken.None);

        await channel.SendAsync("tg:-100777", "**Andy:** " + new string('x', 5000) + " & <done>", CancellationToken.None);
        var sent = await fake.Messages.WaitForAllAsync(l => l.Count >= 2, Wait);
        Assert.All(sent, m => Assert.Equal(-100777, m.ChatId));
        Assert.All(sent, m => Assert.True(m.VisibleText.Length <= 4096));
        Assert.StartsWith("<b>Andy:</b> xxx", sent[0].Text);
        Assert.EndsWith("x &amp; &lt;done&gt;", sent[1].Text);
        await store.Db.Connections.Open().QueryAsync<int>("SELECT 1"); // the store stays usable
        await WaitUntil(() => store.Pending().Count == 0);

        var replyId = fake.Queue(new IncomingMessage(-100777) { Text = "thanks!", ReplyToMessageId = sent[1].MessageId });
        await WaitUntil(() => { lock (seen) return seen.Any(m => m.Id == replyId.ToString()); });
        lock (seen) Assert.True(seen.Single(m => m.Id == replyId.ToString()).AddressesAssistant);

        await channel.SetTypingAsync("tg:-100777", true, CancellationToken.None);
        Assert.Equal("typing", (await fake.ChatActions.WaitForAsync(a => a.ChatId == -100777, Wait)).Action);
    }

    [Fact]
    public async Task A_429_on_getUpdates_is_waited_out_for_its_retry_after_and_errors_reconnect()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        fake.Fail("getUpdates", 2, 502, "Bad Gateway");
        fake.TooManyRequests("getUpdates", 1);
        await using var channel = Channel(fake, store);
        var seen = Wire(channel, store);
        await channel.ConnectAsync(CancellationToken.None);
        var id = fake.QueueText(-1001, "after the storm");
        await WaitUntil(() => { lock (seen) return seen.Any(m => m.Id == id.ToString()); });

        var polls = fake.Requests.Snapshot().Where(r => r.Method.Equals("getUpdates", StringComparison.OrdinalIgnoreCase)).ToList();
        var limited = polls.FindIndex(r => r.Status == 429);
        Assert.True(limited >= 0 && limited + 1 < polls.Count, string.Join(", ", polls.Select(p => p.Status)));
        // By the fake's clock: the next poll came retry_after (1 s) after the 429, not after the test's 50 ms back-off.
        // The wall clock the fake reads and the runtime's timers (1 ms ticks) differ by up to a tick or so: a CI run saw
        // 998.8 ms, hence the 15 ms allowance.
        Assert.True(polls[limited + 1].At - polls[limited].At >= TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(15),
            $"next poll after {polls[limited + 1].At - polls[limited].At}");
        Assert.Equal(2, polls.Count(p => p.Status == 502));
    }

    [Fact]
    public async Task A_rejected_token_is_logged_without_the_token()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        var sink = new ListSink();
        var wrong = FakeTelegramBotApi.BotId + ":AAHwrongwrongwrongwrongwrong123456";
        await using var channel = Channel(fake, store, sink.Logger(), wrong);
        await channel.ConnectAsync(CancellationToken.None);
        await fake.Requests.WaitForAllAsync(l => l.Count(r => r.Status == 401) >= 2, Wait);
        await WaitUntil(() => sink.Messages.Any(m => m.Contains("Telegram polling failed", StringComparison.Ordinal)));
        Assert.DoesNotContain(sink.Messages, m => m.Contains("wrongwrongwrong", StringComparison.Ordinal));
        Assert.Contains(sink.Messages, m => m.Contains("Unauthorized", StringComparison.Ordinal));
        Assert.Equal("see <telegram-token>/getMe", TokenScrubber.Scrub($"see {fake.BaseUrl}/bot{wrong}/getMe".Replace(fake.BaseUrl + "/bot", "", StringComparison.Ordinal), wrong));
    }

}
