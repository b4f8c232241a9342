using static NanoClaw.Tests.Shell.Config.NanoclawProcess;

namespace NanoClaw.Tests.Shell.Config;

/// <summary>Bad configuration stops the real <c>nanoclaw</c> process with exit code 2 and one line, never a stack trace.</summary>
public sealed class CliConfigErrorTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nanoclaw-cli-" + Guid.NewGuid().ToString("N"));

    public CliConfigErrorTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, true);

    private static void AssertOneLineConfigError(Result result, string expectedLine)
    {
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(expectedLine, result.StdErr.TrimEnd('\n', '\r'));
        Assert.Equal("", result.StdOut);
        Assert.False(HasStackTrace(result.StdErr + result.StdOut));
    }

    [Theory]
    [InlineData("container:\n  max_concurrent: lots\n", "config.yml: container.max_concurrent: expected an integer from 1 to 100, got \"lots\"")]
    [InlineData("container:\n  runtime: lxc\n", "config.yml: container.runtime: expected one of auto, apple, docker, podman, got \"lxc\"")]
    [InlineData("timing:\n  idle_timeout_ms: 0\n", "config.yml: timing.idle_timeout_ms: expected a whole number of at least 1, got \"0\"")]
    [InlineData("logging:\n  level: LOUD\n", "config.yml: logging.level: expected one of DEBUG, INFO, WARNING, ERROR, got \"LOUD\"")]
    [InlineData("timezone: Atlantis/Capital\n", "config.yml: timezone: expected an IANA time zone id such as \"Europe/Berlin\" or \"UTC\", got \"Atlantis/Capital\"")]
    [InlineData("channels:\n  signal: true\n", "config.yml: channels.signal: unknown key (known keys in channels: whatsapp, local_chat, telegram, telegram_api_base_url, telegram_poll_timeout_s)")]
    [InlineData("assistant:\n  name: \"Andy\n", "config.yml: line 2, column 9: invalid YAML: While scanning a quoted scalar, found unexpected end of stream.")]
    // YamlDotNet throws InvalidOperationException, not YamlException, for these (it crashed with a stack trace before).
    [InlineData("...\nfoo\n", "config.yml: invalid YAML: The scanner should contain no more tokens.")]
    [InlineData("... foo: bar\n", "config.yml: invalid YAML: The scanner should contain no more tokens.")]
    public void Bad_config_yml_exits_2_with_one_clear_line(string yaml, string expected)
    {
        File.WriteAllText(Path.Combine(dir, "config.yml"), yaml);
        AssertOneLineConfigError(Run(dir, null, "groups", "list"), expected);
    }

    [Fact]
    public void Bad_environment_override_exits_2()
    {
        AssertOneLineConfigError(
            Run(dir, new Dictionary<string, string> { ["NANOCLAW_CONTAINER__MAX_CONCURRENT"] = "many" }, "groups", "list"),
            "environment variable NANOCLAW_CONTAINER__MAX_CONCURRENT: container.max_concurrent: expected an integer from 1 to 100, got \"many\"");
    }

    [Fact]
    public void Bad_credentials_yml_exits_2_without_showing_the_secret()
    {
        File.WriteAllText(Path.Combine(dir, "credentials.yml"), "anthropic_key: sk-ant-very-secret\n");
        var result = Run(dir, null, "groups", "list");
        AssertOneLineConfigError(result,
            "credentials.yml: anthropic_key: unknown key (known keys: anthropic_api_key, claude_code_oauth_token, anthropic_base_url, anthropic_auth_token, transcription_api_key, telegram_bot_token)");
        Assert.DoesNotContain("sk-ant-very-secret", result.StdErr);
    }

    [Fact]
    public void A_config_option_naming_a_missing_file_exits_2()
    {
        AssertOneLineConfigError(Run(dir, null, "--config", "elsewhere/settings.yml", "groups", "list"), "elsewhere/settings.yml: file not found");
    }

    [Fact]
    public void The_config_option_selects_another_file_and_its_directory_as_root()
    {
        var other = Path.Combine(dir, "other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "custom.yml"), "paths:\n  store_dir: db\n");
        File.WriteAllText(Path.Combine(dir, "config.yml"), "colour: blue\n"); // would fail if read

        var result = Run(dir, null, "groups", "list", "--config", "other/custom.yml");

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(other, "db", "messages.db")));
        Assert.False(Directory.Exists(Path.Combine(dir, "store")));
    }
}
