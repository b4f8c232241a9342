using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using NanoClaw.Tests.Agent;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;
using NanoClaw.Tests.Support.FakeTelegram;

namespace NanoClaw.Tests.EndToEnd;

/// <summary>
/// Issue 18 end to end: one real daemon with WhatsApp (the fake sidecar) and Telegram (the fake Bot API on loopback)
/// on together, the real agent image under Podman running the real Claude Code CLI against the fake Anthropic API.
/// Each agent run has its own script (keyed on what its prompt says), so runs in parallel cannot take each other's
/// replies. Every send is counted on the fake that received it, so a reply routed to the wrong channel fails the test.
/// </summary>
[Trait("Category", "Telegram")]
[Trait("Category", "EndToEnd")]
[Collection("RealClaude")]
public sealed class MultiChannelEndToEndTests : IAsyncLifetime
{
    private const long TeamChat = -1009876543210;
    private static readonly string TeamJid = $"tg:{TeamChat}";
    private static readonly TimeSpan Turn = WhatsAppTestBed.Turn;

    private WhatsAppTestBed bed = null!;
    private FakeTelegramBotApi telegram = null!;
    private FakeTelegramBotApi? restarted;

    public async Task InitializeAsync()
    {
        telegram = await FakeTelegramBotApi.StartAsync();
        bed = await WhatsAppTestBed.StartAsync(credentials: $"telegram_bot_token: \"{telegram.Token}\"\n");
        bed.Installation.Register(TeamJid, "tgteam");
    }

    public async Task DisposeAsync()
    {
        await bed.DisposeAsync();
        await telegram.DisposeAsync();
        if (restarted is not null) await restarted.DisposeAsync();
    }

    [ClaudeImageFact]
    public async Task Telegram_and_WhatsApp_answer_in_their_own_chats_a_Telegram_task_fires_there_and_a_Telegram_outage_leaves_WhatsApp_working()
    {
        var api = bed.Api;
        // The task is due a few seconds from now, in the installation's zone (a past "once" runs at the next poll).
        var due = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddSeconds(10), TimeZoneInfo.FindSystemTimeZoneById(Installation.Zone))
            .ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        api.ScriptWhen(Mentions("TASK-7F3 remind the team"), ScriptedReply.Text("Reminder: the table is at noon."));
        api.ScriptWhen(Mentions("book a table for four"),
            ScriptedReply.ToolUse("mcp__nanoclaw__schedule_task", new JsonObject
            {
                ["prompt"] = "TASK-7F3 remind the team of the lunch table",
                ["schedule_type"] = "once",
                ["schedule_value"] = due,
                ["context_mode"] = "isolated",
            }),
            ScriptedReply.Text("Table booked for four."));
        api.ScriptWhen(Mentions("what is for dinner"), ScriptedReply.Text("Soup for dinner."));
        api.ScriptWhen(Mentions("are you still there"), ScriptedReply.Text("Still here on WhatsApp."));
        api.ScriptWhen(Mentions("OUTAGE-2C9 tell the team"), ScriptedReply.Text("The table is ready."));

        var daemon = await bed.StartDaemonAsync(new Dictionary<string, string>
        {
            ["NANOCLAW_CHANNELS__TELEGRAM"] = "true",
            ["NANOCLAW_CHANNELS__TELEGRAM_API_BASE_URL"] = telegram.BaseUrl,
            ["NANOCLAW_CHANNELS__TELEGRAM_POLL_TIMEOUT_S"] = "2",
        });
        // Telegram is polling (its first getUpdates is held open) before anything is said.
        await telegram.HeldPolls.WaitForAsync(_ => true, TimeSpan.FromSeconds(60));

        // (a) + (b): a mention of the bot in the Telegram group and a WhatsApp message, at the same time.
        telegram.Queue(new IncomingMessage(TeamChat) { Text = $"@{telegram.BotUsername} book a table for four", ChatTitle = "Team" });
        bed.Say("wa1", "@Andy what is for dinner?");

        var booked = await telegram.Messages.WaitForAsync(m => m.VisibleText.Contains("Table booked for four.", StringComparison.Ordinal), Turn);
        Assert.Equal(TeamChat, booked.ChatId);
        var dinner = await bed.WaitForSentAsync("Soup for dinner.");
        Assert.Equal(WhatsAppTestBed.Family, dinner.Jid);

        // (c): the task the Telegram agent scheduled fires and answers in that Telegram group.
        var reminder = await telegram.Messages.WaitForAsync(m => m.VisibleText.Contains("Reminder: the table is at noon.", StringComparison.Ordinal), Turn);
        Assert.Equal(TeamChat, reminder.ChatId);
        Assert.Equal(1L, Scalar<long>($"SELECT COUNT(*) FROM scheduled_tasks WHERE chat_jid = '{TeamJid}' AND group_folder = 'tgteam' AND schedule_type = 'once'"));
        await Eventually.TrueAsync(() => Scalar<string>($"SELECT status FROM scheduled_tasks WHERE chat_jid = '{TeamJid}'") == "completed", Turn,
            () => "the once-task did not complete; daemon log:\n" + daemon.Tail());

        // Exactly these, each in its own chat: two replies in the Telegram group, one on WhatsApp.
        Assert.Equal(2, telegram.Messages.Count);
        Assert.All(telegram.Messages.Snapshot(), m => Assert.Equal(TeamChat, m.ChatId));
        Assert.Equal(["Andy: Soup for dinner."], bed.SentTo(WhatsAppTestBed.Family));
        Assert.Single(bed.Sidecar.Sent());
        Assert.DoesNotContain(bed.Sidecar.Sent(), s => s.Text.Contains("Table", StringComparison.Ordinal) || s.Text.Contains("Reminder", StringComparison.Ordinal));
        Assert.Single(ApiRequests.TurnsMentioning(api, "what is for dinner"));

        // (d): the Telegram server goes away; WhatsApp does not notice, and the daemon stays up.
        await telegram.DisposeAsync();
        bed.Say("wa2", "@Andy are you still there?");
        var still = await bed.WaitForSentAsync("Still here on WhatsApp.");
        Assert.Equal(WhatsAppTestBed.Family, still.Jid);
        Assert.Equal(["Andy: Soup for dinner.", "Andy: Still here on WhatsApp."], bed.SentTo(WhatsAppTestBed.Family));
        Assert.False(daemon.HasExited, "the daemon exited after the Telegram server went away:\n" + daemon.Tail());

        // Bonus: a Telegram answer made during the outage waits in the outbox, and is delivered exactly once when a
        // server comes back on the same address. The group asks for it itself, as its agent's schedule_task tool would.
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById(Installation.Zone))
            .ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        bed.Installation.WriteTaskRequest("tgteam", "outage", new JsonObject
        {
            ["type"] = "schedule_task",
            ["prompt"] = "OUTAGE-2C9 tell the team the table is ready",
            ["schedule_type"] = "once",
            ["schedule_value"] = now,
            ["context_mode"] = "isolated",
            ["targetJid"] = TeamJid,
        });
        await Eventually.TrueAsync(() => Scalar<long>($"SELECT COUNT(*) FROM outbox WHERE chat_jid = '{TeamJid}' AND sent_at IS NULL AND text LIKE '%The table is ready.%'") == 1, Turn,
            () => "the answer made during the outage was not queued for Telegram; daemon log:\n" + daemon.Tail());
        restarted = await FakeTelegramBotApi.StartAsync(port: telegram.Port, token: telegram.Token);
        var ready = await restarted.Messages.WaitForAsync(m => m.VisibleText.Contains("The table is ready.", StringComparison.Ordinal), Turn);
        Assert.Equal(TeamChat, ready.ChatId);
        await Eventually.TrueAsync(() => Scalar<long>($"SELECT COUNT(*) FROM outbox WHERE chat_jid = '{TeamJid}' AND sent_at IS NULL") == 0, Turn,
            () => "the delivered row is still pending; daemon log:\n" + daemon.Tail());

        Assert.Equal(0, await daemon.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, telegram.Messages.Count); // nothing reached the first server after its death
        Assert.Single(restarted.Messages.Snapshot()); // and the queued answer reached the second exactly once
        Assert.Equal(2, bed.Sidecar.Sent().Count);
        Assert.DoesNotContain(telegram.Token, daemon.Output, StringComparison.Ordinal);
        Assert.Empty(bed.Installation.FilesContaining(telegram.Token));
        Assert.Empty(bed.Installation.FilesContaining(api.ApiKey));
    }

    private static Func<RecordedRequest, bool> Mentions(string text) =>
        r => ApiRequests.UserText(r).Contains(text, StringComparison.Ordinal);

    private T? Scalar<T>(string sql)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(bed.Installation.StoreDir, "messages.db"),
            Mode = SqliteOpenMode.ReadOnly,
            DefaultTimeout = 30,
            Pooling = false,
        }.ToString());
        c.Open();
        return c.ExecuteScalar<T>(sql);
    }
}
