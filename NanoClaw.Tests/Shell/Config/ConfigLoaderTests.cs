using System.Collections;
using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Shell.Config;
using NanoClaw.Tests.Support;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Shell.Config;

/// <summary>config.yml / credentials.yml / environment on real files in a temp project directory.</summary>
public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "nanoclaw-config-" + Guid.NewGuid().ToString("N"));

    public ConfigLoaderTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, true);

    private string ConfigPath => Path.Combine(root, "config.yml");

    private Either<ConfigError, (NanoClawOptions Options, Credentials Credentials, string ProjectRoot)> Load(
        string? config, string? credentials = null, IDictionary? env = null, bool mustExist = false)
    {
        if (config is not null) File.WriteAllText(ConfigPath, config);
        if (credentials is not null) File.WriteAllText(Path.Combine(root, "credentials.yml"), credentials);
        return ConfigLoader.Load(ConfigPath, env ?? new Hashtable(), mustExist);
    }

    private static (NanoClawOptions Options, Credentials Credentials, string ProjectRoot) Ok(
        Either<ConfigError, (NanoClawOptions, Credentials, string)> result) =>
        result.Match(v => v, e => throw new Xunit.Sdk.XunitException("expected success, got: " + e.Message));

    private static string Error(Either<ConfigError, (NanoClawOptions, Credentials, string)> result) =>
        result.Match(_ => throw new Xunit.Sdk.XunitException("expected a config error"), e => e.Message);

    private NanoClawOptions DefaultsUnderRoot() => NanoClawOptions.Default with
    {
        Paths = new PathOptions(Path.Combine(root, "store"), Path.Combine(root, "groups"), Path.Combine(root, "data")),
        Logging = new LoggingOptions("INFO", Path.Combine(root, "logs", "nanoclaw.log")),
    };

    [Fact]
    public void A_missing_default_config_file_means_all_defaults_with_absolute_paths()
    {
        var (options, credentials, projectRoot) = Ok(Load(config: null));
        Assert.Equal(DefaultsUnderRoot(), options);
        Assert.Equal(Credentials.None, credentials);
        Assert.Equal(root, projectRoot);
    }

    [Fact]
    public void The_committed_config_yml_holds_exactly_the_defaults()
    {
        var committed = File.ReadAllText(Path.Combine(Requirements.RepoRoot(), "config.yml"));
        Assert.Equal(DefaultsUnderRoot(), Ok(Load(committed)).Options);
    }

    [Fact]
    public void The_committed_credentials_template_copied_as_is_means_no_credentials()
    {
        var template = File.ReadAllText(Path.Combine(Requirements.RepoRoot(), "credentials.yml.dist"));
        Assert.Equal(Credentials.None, Ok(Load("", template)).Credentials);
    }

    [Fact]
    public void Every_key_is_read_and_paths_are_made_absolute()
    {
        var yaml = """
            assistant: { name: Bob, has_own_number: true }
            timing:
              poll_interval_ms: 10
              scheduler_poll_interval_ms: 20
              idle_timeout_ms: 30
              ipc_poll_interval_ms: 40
            container:
              runtime: Podman
              image: my/agent:1
              timeout_ms: 50
              max_output_size_bytes: 2048
              max_concurrent: 100
              credential_proxy: false
              network: host
              memory: 512M
              pids_limit: 100
              cpus: 0.5
              read_only_root: false
              drop_capabilities: false
              no_new_privileges: false
              max_run_ms: 60000
            paths: { store_dir: s, groups_dir: /abs/groups, data_dir: ../d }
            logging: { level: debug, file: l/x.log }
            channels: { whatsapp: false, local_chat: false }
            timezone: Europe/Berlin
            """;
        var expected = new NanoClawOptions(
            new AssistantOptions("Bob", true),
            new TimingOptions(10, 20, 30, 40),
            new ContainerOptions(ContainerRuntimeKind.Podman, "my/agent:1", 50, 2048, 100, false)
            {
                Network = "host", Memory = "512m", PidsLimit = 100, Cpus = "0.5",
                ReadOnlyRoot = false, DropCapabilities = false, NoNewPrivileges = false, MaxRunMs = 60000,
            },
            new PathOptions(Path.Combine(root, "s"), "/abs/groups", Path.GetFullPath(Path.Combine(root, "..", "d"))),
            new LoggingOptions("DEBUG", Path.Combine(root, "l", "x.log")),
            new ChannelOptions(false, false),
            "Europe/Berlin");
        Assert.Equal(expected, Ok(Load(yaml)).Options);
    }

    [Fact]
    public void Environment_overrides_the_file_and_other_NANOCLAW_variables_are_ignored()
    {
        var env = new Hashtable
        {
            ["NANOCLAW_CONTAINER__MAX_CONCURRENT"] = "3",
            ["NANOCLAW_TIMEZONE"] = "UTC",
            ["NANOCLAW_ASSISTANT__NAME"] = "Zed",
            ["NANOCLAW_SKIP_SETUP"] = "1",
            ["NANOCLAW_CLAUDE_CLI"] = "/x",
            ["PATH"] = "/bin",
        };
        var options = Ok(Load("container:\n  max_concurrent: 7\nassistant:\n  name: Bob\n", env: env)).Options;
        Assert.Equal((3, "UTC", "Zed"), (options.Container.MaxConcurrent, options.TimeZone, options.Assistant.Name));
    }

    [Fact]
    public void Credentials_come_from_the_file_beside_config_and_the_environment_with_empty_meaning_absent()
    {
        var credentials = Ok(Load("", """
            anthropic_api_key: "sk-file"
            claude_code_oauth_token: ""
            anthropic_base_url: https://gateway.example/v1
            anthropic_auth_token:
            """, new Hashtable { ["NANOCLAW_ANTHROPIC_AUTH_TOKEN"] = "tok-env" })).Credentials;
        Assert.Equal(new Credentials(Some("sk-file"), None, Some("https://gateway.example/v1"), Some("tok-env")), credentials);
        Assert.Equal(Seq("sk-file", "tok-env"), credentials.SecretValues);
    }

    [Fact]
    public void Zero_turns_a_limit_off()
    {
        var options = Ok(Load("container:\n  memory: 0\n  pids_limit: 0\n  cpus: 0\n")).Options;
        Assert.Equal(new NanoClaw.Core.Containers.ContainerLimits("", 0, "", true, true, true), options.Container.Limits);
        Assert.Equal(NanoClaw.Core.Containers.ContainerLimits.Default, NanoClawOptions.Default.Container.Limits);
    }

    [Fact]
    public void A_named_config_file_that_does_not_exist_is_an_error()
    {
        Assert.Equal($"{ConfigPath}: file not found", Error(Load(null, mustExist: true)));
    }

    public static TheoryData<string, string> BadConfigs => new()
    {
        { "container:\n  max_concurrent: lots\n", "container.max_concurrent: expected an integer from 1 to 100, got \"lots\"" },
        { "container:\n  max_concurrent: 101\n", "container.max_concurrent: expected an integer from 1 to 100, got \"101\"" },
        { "timing:\n  poll_interval_ms: 0\n", "timing.poll_interval_ms: expected a whole number of at least 1, got \"0\"" },
        { "container:\n  timeout_ms: -5\n", "container.timeout_ms: expected a whole number of at least 1, got \"-5\"" },
        { "container:\n  runtime: lxc\n", "container.runtime: expected one of auto, apple, docker, podman, got \"lxc\"" },
        { "logging:\n  level: verbose\n", "logging.level: expected one of DEBUG, INFO, WARNING, ERROR, got \"verbose\"" },
        { "assistant:\n  has_own_number: maybe\n", "assistant.has_own_number: expected true or false, got \"maybe\"" },
        { "assistant:\n  name: [a, b]\n", "assistant.name: expected a non-empty single-line text, got a list" },
        { "assistant:\n  name: \"Andy: x\"\n", "assistant.name: expected a name without ':' or a leading '@', got \"Andy: x\"" },
        { "timezone: Mars/Olympus_Mons\n", "timezone: expected an IANA time zone id such as \"Europe/Berlin\" or \"UTC\", got \"Mars/Olympus_Mons\"" },
        { "colour: blue\n", "colour: unknown key (known keys: assistant, timing, container, paths, logging, channels, tasks, media, telemetry, dashboard, timezone)" },
        { "container:\n  max_concurent: 3\n", "container.max_concurent: unknown key (known keys in container: runtime, image, timeout_ms, max_output_size_bytes, max_concurrent, credential_proxy, network, memory, pids_limit, cpus, read_only_root, drop_capabilities, no_new_privileges, max_run_ms, agent_uid, proxy_transport, proxy_listen, proxy_host_from_container)" },
        { "container: 5\n", "container: expected a section of keys (runtime, image, timeout_ms, max_output_size_bytes, max_concurrent, credential_proxy, network, memory, pids_limit, cpus, read_only_root, drop_capabilities, no_new_privileges, max_run_ms, agent_uid, proxy_transport, proxy_listen, proxy_host_from_container)" },
        { "- a\n- b\n", "expected a mapping of keys at the top level" },
        { "container:\n  memory: lots\n", "container.memory: expected a memory size such as 512m or 2g (at least 16m), or 0 for no limit, got \"lots\"" },
        { "container:\n  memory: 1m\n", "container.memory: expected a memory size such as 512m or 2g (at least 16m), or 0 for no limit, got \"1m\"" },
        { "container:\n  pids_limit: 8\n", "container.pids_limit: expected 0 (no limit) or a whole number of at least 16, got \"8\"" },
        { "container:\n  cpus: -1\n", "container.cpus: expected a number of CPUs such as 2 or 0.5, or 0 for no limit, got \"-1\"" },
        { "container:\n  max_run_ms: 10\n", "container.max_run_ms: expected a whole number of at least 1000, got \"10\"" },
        { "container:\n  read_only_root: sometimes\n", "container.read_only_root: expected true or false, got \"sometimes\"" },
        { "paths:\n  store_dir: \"st\\0re\"\n", "paths.store_dir: expected a file system path, got something else" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Each_kind_of_bad_value_names_the_file_the_key_and_what_is_expected(string yaml, string expected)
    {
        Assert.Equal($"{ConfigPath}: {expected}", Error(Load(yaml)));
    }

    [Theory]
    [InlineData("container:\n  image: \"unterminated\n", 2)]
    [InlineData("assistant:\n  name: Andy\n   bad: indent\n", 3)]
    [InlineData("timing:\n  poll_interval_ms: 1\n  poll_interval_ms: 2\n", 3)]
    public void YAML_syntax_errors_give_the_line(string yaml, int line)
    {
        Assert.StartsWith($"{ConfigPath}: line {line}, column ", Error(Load(yaml)));
    }

    [Fact]
    public void A_bad_environment_override_names_the_variable()
    {
        Assert.Equal("environment variable NANOCLAW_CONTAINER__MAX_CONCURRENT: container.max_concurrent: expected an integer from 1 to 100, got \"0\"",
            Error(Load("", env: new Hashtable { ["NANOCLAW_CONTAINER__MAX_CONCURRENT"] = "0" })));
        Assert.StartsWith("environment variable NANOCLAW_CONTAINER__SIZE: container.size: unknown key",
            Error(Load("", env: new Hashtable { ["NANOCLAW_CONTAINER__SIZE"] = "1" })));
    }

    [Fact]
    public void Credential_errors_name_the_key_but_never_show_the_value()
    {
        Assert.Equal("credentials.yml: api_key: unknown key (known keys: anthropic_api_key, claude_code_oauth_token, anthropic_base_url, anthropic_auth_token, transcription_api_key, telegram_bot_token)",
            Error(Load("", "api_key: sk-ant-secret\n")));
        var nonText = Error(Load("", "anthropic_api_key: [sk-ant-secret]\n"));
        Assert.Equal("credentials.yml: anthropic_api_key: expected a text value, got a list", nonText);
        var badUrl = Error(Load("", "anthropic_base_url: ftp://sk-ant-secret@host\n"));
        Assert.Equal("credentials.yml: anthropic_base_url: expected an http:// or https:// URL, got something else", badUrl);
    }
}
