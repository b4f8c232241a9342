using NanoClaw.Core.Channels;
using NanoClaw.Shell.Pairing;
using NanoClaw.Shell.Setup;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeTelegram;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Telegram;

/// <summary><c>nanoclaw auth telegram</c>'s work against the fake Bot API (the real Telegram.Bot client) and real files.</summary>
[Trait("Category", "Telegram")]
public sealed class TelegramAuthTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "nanoclaw-tgauth-" + Guid.NewGuid().ToString("N"));
    private string Credentials => Path.Combine(root, "credentials.yml");
    private string StoreDir => Path.Combine(root, "store");

    public TelegramAuthTests()
    {
        Directory.CreateDirectory(root);
        // The template as a user filled it in: comments, other secrets, the empty Telegram line.
        File.WriteAllText(Credentials, """
            # Copy to credentials.yml (gitignored) and fill in one way to reach Claude.
            anthropic_api_key: "sk-ant-kept"   # sk-ant-... from the Anthropic console

            claude_code_oauth_token: ""    # or a Claude subscription token
            telegram_bot_token: ""         # optional: the Telegram bot token from @BotFather
            transcription_api_key: ""      # optional
            """ + "\n");
    }

    private TelegramAuth Auth(string baseUrl) => new(baseUrl, Credentials, StoreDir, TimeProvider.System, TimeSpan.FromSeconds(10));

    [Fact]
    public async Task A_good_token_is_checked_saved_with_the_rest_of_the_file_kept_and_a_working_code_is_printed_but_never_the_token()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var before = File.ReadAllLines(Credentials);

        var outcome = await Auth(fake.BaseUrl).RunAsync(fake.Token, save: true, mainExists: false, channelOn: false, CancellationToken.None);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("@" + fake.BotUsername, outcome.Message);
        Assert.Contains("channels: telegram: true", outcome.Message);
        Assert.DoesNotContain(fake.Token, outcome.Message);
        Assert.DoesNotContain(fake.Token.Split(':')[1], outcome.Message);
        Assert.Contains(fake.Requests.Snapshot(), r => r.Method == "getMe");

        var after = File.ReadAllLines(Credentials);
        var changed = Enumerable.Range(0, after.Length).Where(i => i >= before.Length || after[i] != before[i]).ToList();
        var line = after[Assert.Single(changed)];
        Assert.StartsWith($"telegram_bot_token: \"{fake.Token}\"", line);
        Assert.Contains("# optional", line);
        Assert.Equal(before.Length, after.Length);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Credentials));
        var yaml = new YamlDotNet.Serialization.Deserializer().Deserialize<Dictionary<string, string>>(File.ReadAllText(Credentials));
        Assert.Equal(fake.Token, yaml["telegram_bot_token"]);
        Assert.Equal("sk-ant-kept", yaml["anthropic_api_key"]);

        // The printed code is the one the daemon will accept.
        var code = outcome.Message.Split('\n').Select(l => l.Trim()).Single(l => l.Length == Pairing.CodeLength + 1 && l[4] == '-');
        var pending = new PairingCodeFile(StoreDir).Read();
        Assert.Equal(PairingOutcome.RegisterAsMain,
            Pairing.Decide(pending, false, new PairingAttempt("tg:1", code, true, false, false), DateTimeOffset.UtcNow));
        Assert.DoesNotContain(code, File.ReadAllText(new PairingCodeFile(StoreDir).Path));
    }

    [Fact]
    public async Task A_token_Telegram_refuses_writes_nothing_and_exits_1()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var before = File.ReadAllBytes(Credentials);
        var wrong = FakeTelegramBotApi.BotId + ":AAHwrongwrongwrongwrongwrong";

        var outcome = await Auth(fake.BaseUrl).RunAsync(wrong, save: true, mainExists: false, channelOn: true, CancellationToken.None);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("refused the token (401)", outcome.Message);
        Assert.DoesNotContain("wrongwrong", outcome.Message);
        Assert.Equal(before, File.ReadAllBytes(Credentials));
        Assert.False(File.Exists(new PairingCodeFile(StoreDir).Path));
    }

    [Fact]
    public async Task A_malformed_token_exits_2_without_asking_Telegram()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var before = File.ReadAllBytes(Credentials);

        var outcome = await Auth(fake.BaseUrl).RunAsync("not a token", save: true, mainExists: false, channelOn: true, CancellationToken.None);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("not a bot token", outcome.Message);
        Assert.Equal(0, fake.Requests.Count);
        Assert.Equal(before, File.ReadAllBytes(Credentials));
    }

    [Fact]
    public async Task An_unreachable_Bot_API_exits_1_without_the_token_in_the_message()
    {
        string baseUrl;
        string token;
        await using (var fake = await FakeTelegramBotApi.StartAsync())
        {
            baseUrl = fake.BaseUrl;
            token = fake.Token;
        }
        var before = File.ReadAllBytes(Credentials);

        var outcome = await Auth(baseUrl).RunAsync(token, save: true, mainExists: false, channelOn: true, CancellationToken.None);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("no answer from the Bot API", outcome.Message);
        Assert.DoesNotContain(token.Split(':')[1], outcome.Message);
        Assert.Equal(before, File.ReadAllBytes(Credentials));
    }

    [Fact]
    public void The_editor_appends_a_missing_key_and_creates_a_missing_file_privately()
    {
        File.WriteAllText(Credentials, "# mine\nanthropic_api_key: 'k' # keep\n");
        CredentialsFileEditor.Set(Credentials, "telegram_bot_token", "1:abc");
        Assert.Equal(["# mine", "anthropic_api_key: 'k' # keep", "telegram_bot_token: \"1:abc\""], File.ReadAllLines(Credentials));
        CredentialsFileEditor.Set(Credentials, "telegram_bot_token", "2:def");
        Assert.Equal("telegram_bot_token: \"2:def\"", File.ReadAllLines(Credentials)[2]);

        var fresh = Path.Combine(root, "other.yml");
        CredentialsFileEditor.Set(fresh, "telegram_bot_token", "3:ghi");
        Assert.Equal(["telegram_bot_token: \"3:ghi\""], File.ReadAllLines(fresh));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fresh));
    }

    public void Dispose()
    {
        try { Directory.Delete(root, true); } catch (IOException) { }
    }
}
