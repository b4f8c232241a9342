using System.Collections;
using NanoClaw.Core.Config;
using NanoClaw.Shell.Config;

namespace NanoClaw.Tests.Shell.Config;

/// <summary><c>channels.telegram*</c> and the <c>telegram_bot_token</c> credential.</summary>
[Trait("Category", "Telegram")]
public sealed class TelegramConfigTests : IDisposable
{
    private const string Token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    private readonly string root = Path.Combine(Path.GetTempPath(), "nanoclaw-tg-config-" + Guid.NewGuid().ToString("N"));

    public TelegramConfigTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, true);

    private string Load(string yaml, string credentials, IDictionary? env, out TelegramOptions telegram, out Credentials secrets)
    {
        File.WriteAllText(Path.Combine(root, "config.yml"), yaml);
        File.WriteAllText(Path.Combine(root, "credentials.yml"), credentials);
        var result = ConfigLoader.Load(Path.Combine(root, "config.yml"), env ?? new Hashtable());
        telegram = result.Match(r => r.Options.Channels.Telegram, _ => TelegramOptions.Default);
        secrets = result.Match(r => r.Credentials, _ => Credentials.None);
        return result.Match(_ => "", e => e.Message);
    }

    [Fact]
    public void Off_by_default_on_the_official_server_and_the_shipped_files_say_so()
    {
        Assert.Equal("", Load("", "", null, out var telegram, out var secrets));
        Assert.Equal(new TelegramOptions(false, "https://api.telegram.org", 30), telegram);
        Assert.True(secrets.TelegramBotToken.IsNone);
        var repo = Support.Requirements.RepoRoot();
        Assert.Contains("telegram: false", File.ReadAllText(Path.Combine(repo, "config.yml")));
        Assert.Contains("telegram_bot_token:", File.ReadAllText(Path.Combine(repo, "credentials.yml.dist")));
        // The shipped config itself loads.
        Assert.Equal("", Load(File.ReadAllText(Path.Combine(repo, "config.yml")), "", null, out _, out _));
    }

    [Fact]
    public void Keys_come_from_the_file_and_the_environment_and_the_token_is_a_redacted_secret()
    {
        Assert.Equal("", Load("channels:\n  telegram: true\n  telegram_api_base_url: http://127.0.0.1:9999\n  telegram_poll_timeout_s: 5\n",
            $"telegram_bot_token: \"{Token}\"\n", null, out var telegram, out var secrets));
        Assert.Equal(new TelegramOptions(true, "http://127.0.0.1:9999", 5), telegram);
        Assert.Equal(Token, secrets.TelegramBotToken.IfNone(""));
        Assert.Contains(Token, secrets.SecretValues);

        Assert.Equal("", Load("", "", new Hashtable { ["NANOCLAW_CHANNELS__TELEGRAM"] = "true", ["NANOCLAW_TELEGRAM_BOT_TOKEN"] = Token },
            out var fromEnv, out var envSecrets));
        Assert.True(fromEnv.Enabled);
        Assert.Equal(Token, envSecrets.TelegramBotToken.IfNone(""));
    }

    [Fact]
    public void Bad_values_name_the_key_and_never_show_the_token()
    {
        Assert.Contains("channels.telegram", Load("channels:\n  telegram: maybe\n", "", null, out _, out _));
        Assert.Contains("channels.telegram_api_base_url", Load("channels:\n  telegram_api_base_url: ftp://x\n", "", null, out _, out _));
        Assert.Contains("channels.telegram_poll_timeout_s", Load("channels:\n  telegram_poll_timeout_s: 0\n", "", null, out _, out _));
        var bad = Load("", "telegram_bot_token: \"not-a-token-secret-value\"\n", null, out _, out _);
        Assert.Contains("telegram_bot_token", bad);
        Assert.DoesNotContain("not-a-token-secret-value", bad);
    }
}
