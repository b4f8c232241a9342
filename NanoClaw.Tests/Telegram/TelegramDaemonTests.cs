using Dapper;
using NanoClaw.Tests.Fault;
using NanoClaw.Tests.Support.FakeTelegram;

namespace NanoClaw.Tests.Telegram;

/// <summary>
/// The real daemon (fake container runtime) with Telegram on beside the local chat, against the fake Bot API: main
/// registers a Telegram group over IPC, an untriggered line wakes nothing, a mention of the bot gets exactly one reply
/// in that group (with the earlier line as context), and stopping the fake Telegram server leaves the local chat working.
/// </summary>
[Trait("Category", "Telegram")]
public sealed class TelegramDaemonTests : IAsyncLifetime
{
    private const long GroupChat = -1001234;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private FakeTelegramBotApi api = null!;
    private DaemonHarness daemon = null!;

    public async Task InitializeAsync()
    {
        api = await FakeTelegramBotApi.StartAsync();
        daemon = new DaemonHarness(
            credentials: $"anthropic_api_key: sk-ant-test-placeholder\ntelegram_bot_token: {api.Token}\n",
            env: new Dictionary<string, string>
            {
                ["NANOCLAW_CHANNELS__TELEGRAM"] = "true",
                ["NANOCLAW_CHANNELS__TELEGRAM_API_BASE_URL"] = api.BaseUrl,
                ["NANOCLAW_CHANNELS__TELEGRAM_POLL_TIMEOUT_S"] = "2",
            });
    }

    public async Task DisposeAsync()
    {
        await daemon.DisposeAsync();
        await api.DisposeAsync();
    }

    [Fact]
    public async Task A_mention_of_the_bot_in_a_registered_Telegram_group_gets_exactly_one_reply_there()
    {
        await daemon.StartAsync();
        RegisterFromMain($"tg:{GroupChat}", "tgteam");
        await WaitUntil(() => Count("SELECT COUNT(*) FROM registered_groups WHERE jid = 'tg:" + GroupChat + "'") == 1);
        // The daemon re-reads the groups on the store signal; the first stored line proves it routes this chat.
        api.Queue(new IncomingMessage(GroupChat) { Text = "lunch at noon?", ChatTitle = "Team" });
        await WaitUntil(() => Count($"SELECT COUNT(*) FROM messages WHERE chat_jid = 'tg:{GroupChat}'") == 1);
        Assert.DoesNotContain(daemon.RuntimeEvents(), e => e.Event == "start" && e.Name.StartsWith("nanoclaw-tgteam-", StringComparison.Ordinal));

        api.Queue(new IncomingMessage(GroupChat) { Text = $"@{api.BotUsername} book a table for four", ChatTitle = "Team", From = TelegramUser.Bob });
        var reply = await api.Messages.WaitForAsync(m => m.ChatId == GroupChat, Wait);
        Assert.Contains("fake reply", reply.VisibleText, StringComparison.Ordinal);

        // One container, whose prompt carried the untriggered line as context and the mention as the trigger.
        var prompts = Directory.GetFiles(daemon.CaptureDir, "nanoclaw-tgteam-*");
        Assert.Single(prompts);
        var prompt = File.ReadAllText(prompts[0]);
        Assert.Contains("lunch at noon?", prompt, StringComparison.Ordinal);
        Assert.Contains("book a table for four", prompt, StringComparison.Ordinal);
        Assert.Equal(1, Count($"SELECT addresses_assistant FROM messages WHERE chat_jid = 'tg:{GroupChat}' AND content LIKE '%book a table%'"));
        Assert.Equal("Team", Scalar($"SELECT name FROM chats WHERE jid = 'tg:{GroupChat}'"));

        // Stopping Telegram's server disturbs nothing else: the local chat still answers.
        await api.DisposeAsync();
        await using var chat = await ChatSession.OpenAsync(daemon);
        await chat.SendAsync("main", "still there?");
        await WaitUntil(() => daemon.RuntimeEvents().Any(e => e.Event == "start" && e.Name.StartsWith("nanoclaw-main-", StringComparison.Ordinal)));
        Assert.True(daemon.IsRunning);

        Assert.Equal(0, await daemon.StopAsync());
        Assert.Single(api.Messages.Snapshot(), m => m.ChatId == GroupChat);
        Assert.DoesNotContain(api.Token, daemon.Output, StringComparison.Ordinal);
    }

    private void RegisterFromMain(string jid, string folder)
    {
        var dir = Path.Combine(daemon.IpcDir, "main", "tasks");
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $"reg-{folder}.json.tmp");
        File.WriteAllText(tmp, $$"""{"type":"register_group","jid":"{{jid}}","name":"{{folder}}","folder":"{{folder}}","trigger":"@Andy"}""");
        File.Move(tmp, Path.Combine(dir, $"reg-{folder}.json"));
    }

    private long Count(string sql)
    {
        using var c = daemon.OpenDb();
        return c.ExecuteScalar<long>(sql);
    }

    private string? Scalar(string sql)
    {
        using var c = daemon.OpenDb();
        return c.ExecuteScalar<string?>(sql);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            await Task.Delay(100);
        }
    }
}
