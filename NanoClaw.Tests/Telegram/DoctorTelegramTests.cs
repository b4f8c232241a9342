using System.Text.RegularExpressions;
using NanoClaw.Tests.Cli;
using NanoClaw.Tests.Support.FakeTelegram;

namespace NanoClaw.Tests.Telegram;

/// <summary>The real <c>nanoclaw doctor --check telegram</c> process against the fake Bot API.</summary>
[Trait("Category", "Telegram")]
public sealed class DoctorTelegramTests : IDisposable
{
    private readonly CliProject project = new();

    private static (string Mark, string Detail, string? Fix) Report(string stdout)
    {
        var m = Regex.Match(stdout, @"(?m)^(?<mark>✓|✗|-|ok|FAIL|skip)\s+telegram\s+(?<detail>.+)$(\r?\n\s+fix: (?<fix>.+)$)?");
        Assert.True(m.Success, "no telegram line in:\n" + stdout);
        var mark = m.Groups["mark"].Value switch { "✓" or "ok" => "pass", "✗" or "FAIL" => "fail", _ => "skip" };
        return (mark, m.Groups["detail"].Value, m.Groups["fix"].Success ? m.Groups["fix"].Value : null);
    }

    private NanoClaw.Tests.Shell.Config.NanoclawProcess.Result Doctor() => project.Run("doctor", "--check", "telegram");

    [Fact]
    public void Off_it_is_skipped_with_the_reason_and_on_without_a_token_it_fails_with_the_command_that_fixes_it()
    {
        var off = Doctor();
        Assert.Equal(0, off.ExitCode);
        Assert.Equal(("skip", "Telegram is off (channels.telegram: false)"), (Report(off.StdOut).Mark, Report(off.StdOut).Detail.Trim()));

        project.WithConfig("channels:\n  telegram: true\n");
        var missing = Doctor();
        Assert.Equal(1, missing.ExitCode);
        var (mark, _, fix) = Report(missing.StdOut);
        Assert.Equal("fail", mark);
        Assert.Contains("nanoclaw auth telegram --token", fix);
    }

    [Fact]
    public async Task A_good_token_passes_naming_the_bot_a_refused_one_fails_and_a_dead_API_fails_without_the_token_shown()
    {
        var fake = await FakeTelegramBotApi.StartAsync();
        try
        {
            project.WithConfig($"channels:\n  telegram: true\n  telegram_api_base_url: {fake.BaseUrl}\n")
                .WithCredentials($"telegram_bot_token: \"{fake.Token}\"\n");
            var good = await Task.Run(Doctor);
            Assert.True(good.ExitCode == 0, good.StdOut + good.StdErr);
            Assert.Equal("pass", Report(good.StdOut).Mark);
            Assert.Contains("@" + fake.BotUsername, Report(good.StdOut).Detail);
            Assert.DoesNotContain(fake.Token.Split(':')[1], good.StdOut + good.StdErr);

            project.WithCredentials($"telegram_bot_token: \"{FakeTelegramBotApi.BotId}:AAHrefusedrefusedrefused\"\n");
            var refused = await Task.Run(Doctor);
            Assert.Equal(1, refused.ExitCode);
            Assert.Equal("fail", Report(refused.StdOut).Mark);
            Assert.Contains("refused the bot token (401)", Report(refused.StdOut).Detail);
            Assert.Contains("@BotFather", Report(refused.StdOut).Fix);
            Assert.DoesNotContain("refusedrefused", refused.StdOut + refused.StdErr);
        }
        finally
        {
            await fake.DisposeAsync();
        }
        project.WithCredentials($"telegram_bot_token: \"{fake.Token}\"\n");
        var dead = await Task.Run(Doctor);
        Assert.Equal(1, dead.ExitCode);
        Assert.Equal("fail", Report(dead.StdOut).Mark);
        Assert.Contains("no answer from the Bot API at " + fake.BaseUrl, Report(dead.StdOut).Detail);
        Assert.DoesNotContain(fake.Token.Split(':')[1], dead.StdOut + dead.StdErr);
    }

    public void Dispose() => project.Dispose();
}
