using NanoClaw.Tests.Support.FakeTelegram;
using static NanoClaw.Tests.Shell.Config.NanoclawProcess;

namespace NanoClaw.Tests.Telegram;

/// <summary>The real <c>nanoclaw auth telegram</c> process, its Bot API base URL pointed at the fake.</summary>
[Trait("Category", "Telegram")]
public sealed class AuthTelegramProcessTests : IDisposable
{
    private readonly string project = Path.Combine(Path.GetTempPath(), "nanoclaw-authtg-" + Guid.NewGuid().ToString("N"));

    public AuthTelegramProcessTests() => Directory.CreateDirectory(project);

    private Dictionary<string, string> Env(FakeTelegramBotApi fake) => new() { ["NANOCLAW_CHANNELS__TELEGRAM_API_BASE_URL"] = fake.BaseUrl };

    [Fact]
    public async Task Saves_the_token_prints_a_code_and_a_second_run_without_token_issues_a_new_code_from_the_saved_one()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var first = await Task.Run(() => Run(project, Env(fake), "auth", "telegram", "--token", fake.Token));
        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Contains("@" + fake.BotUsername, first.StdOut);
        Assert.DoesNotContain(fake.Token.Split(':')[1], first.StdOut + first.StdErr);
        Assert.Contains(fake.Token, File.ReadAllText(Path.Combine(project, "credentials.yml")));
        var pairing = Path.Combine(project, "store", "pairing.json");
        var firstHash = File.ReadAllText(pairing);

        var second = await Task.Run(() => Run(project, Env(fake), "auth", "telegram"));
        Assert.True(second.ExitCode == 0, second.StdErr);
        Assert.Contains("checked (the token in", second.StdOut);
        Assert.NotEqual(firstHash, File.ReadAllText(pairing));
        Assert.Equal(2, fake.Requests.Snapshot().Count(r => r.Method == "getMe"));
    }

    [Fact]
    public async Task A_refused_token_exits_1_with_one_line_and_no_stack_trace_and_no_token_saved()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var result = await Task.Run(() => Run(project, Env(fake), "auth", "telegram", "--token", FakeTelegramBotApi.BotId + ":AAHrefusedrefusedrefused"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refused the token", result.StdErr);
        Assert.False(HasStackTrace(result.StdErr), result.StdErr);
        Assert.False(File.Exists(Path.Combine(project, "credentials.yml")));
        Assert.False(File.Exists(Path.Combine(project, "store", "pairing.json")));
    }

    [Fact]
    public void Without_a_token_given_or_saved_it_says_how_and_exits_2()
    {
        var result = Run(project, null, "auth", "telegram");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--token", result.StdErr);
    }

    public void Dispose()
    {
        try { Directory.Delete(project, true); } catch (IOException) { }
    }
}
