using System.Collections;
using LanguageExt;
using NanoClaw.Core.Config;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Config;

/// <summary>
/// Loads <c>config.yml</c> and the optional <c>credentials.yml</c> beside it, applies environment overrides,
/// checks every value, and makes paths absolute against the project root (the config file's directory).
/// </summary>
public static class ConfigLoader
{
    public const string DefaultConfigFile = "config.yml";
    public const string CredentialsFile = "credentials.yml";

    /// <param name="configPath">Path of config.yml (relative paths are taken from the working directory).</param>
    /// <param name="env">Environment variables (e.g. <see cref="Environment.GetEnvironmentVariables()"/>).</param>
    /// <param name="mustExist">True when the user named the file (<c>--config</c>): then a missing file is an error;
    /// otherwise a missing config.yml means all defaults.</param>
    public static Either<ConfigError, (NanoClawOptions Options, Credentials Credentials, string ProjectRoot)> Load(
        string configPath, IDictionary env, bool mustExist = false)
    {
        var loaded = LoadSettings(configPath, env, mustExist);
        return loaded.Error is { } error
            ? Left<ConfigError, (NanoClawOptions, Credentials, string)>(error)
            : Right<ConfigError, (NanoClawOptions, Credentials, string)>(loaded.Value);
    }

    /// <summary>
    /// <see cref="Load"/> without LanguageExt, for the CLI's start-up path (issue 16: LanguageExt.Core is JIT-compiled
    /// at every start, the rest is precompiled). The steps and the first error reported are the same.
    /// </summary>
    public static Parsed<(NanoClawOptions Options, Credentials Credentials, string ProjectRoot)> LoadSettings(
        string configPath, IDictionary env, bool mustExist = false)
    {
        var fullPath = Path.GetFullPath(configPath);
        var root = Path.GetDirectoryName(fullPath) ?? Directory.GetCurrentDirectory();
        var origin = configPath;

        var configText = ReadFile(fullPath, origin, mustExist);
        if (configText.Error is { } e1) return e1;
        var fileSettings = YamlSettingsReader.Read(configText.Value, origin, sectioned: true, []);
        if (fileSettings.Error is { } e2) return e2;
        var credentialSettings = ReadCredentials(Path.Combine(root, CredentialsFile));
        if (credentialSettings.Error is { } e3) return e3;
        var envSettings = EnvironmentOverrides.Read(env);
        if (envSettings.Error is { } e4) return e4;
        var options = BuildOptions(fileSettings.Value.Concat(envSettings.Value.Config));
        if (options.Error is { } e5) return e5;
        var credentials = BuildCredentials(credentialSettings.Value.Concat(envSettings.Value.Credentials));
        if (credentials.Error is { } e6) return e6;
        return (Absolute(options.Value, root), credentials.Value, root);
    }

    private static Parsed<string> ReadFile(string fullPath, string origin, bool mustExist)
    {
        try
        {
            return File.Exists(fullPath)
                ? File.ReadAllText(fullPath)
                : mustExist
                    ? new ConfigError($"{origin}: file not found")
                    : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ConfigError($"{origin}: cannot be read ({e.Message})");
        }
    }

    private static Parsed<List<RawSetting>> ReadCredentials(string path) =>
        ReadFile(path, CredentialsFile, mustExist: false)
            .Bind(text => YamlSettingsReader.Read(text, CredentialsFile, sectioned: false, ConfigKeys.Credentials));

    /// <summary>Later settings win (the environment comes after the file).</summary>
    private static Dictionary<string, RawSetting> Latest(IEnumerable<RawSetting> settings)
    {
        var byKey = new Dictionary<string, RawSetting>(StringComparer.Ordinal);
        foreach (var s in settings) byKey[s.Key] = s;
        return byKey;
    }

    private static Parsed<NanoClawOptions> BuildOptions(IEnumerable<RawSetting> settings)
    {
        var raw = Latest(settings);
        var d = NanoClawOptions.Default;
        ConfigError? error = null;

        // Reads one key: absent or empty keeps the default; the first bad value is remembered and reported.
        T Read<T>(string key, T fallback, Func<RawSetting, Parsed<T>> parse)
        {
            if (error is not null || !raw.TryGetValue(key, out var s) || (s.Text is null && s.NonScalarKind is null)) return fallback;
            var parsed = parse(s);
            if (parsed.Error is null) return parsed.Value;
            error = parsed.Error;
            return fallback;
        }

        Func<RawSetting, Parsed<int>> Positive() => s => SettingParsers.IntInRange(s, 1, int.MaxValue);

        var options = new NanoClawOptions(
            new AssistantOptions(
                Read("assistant.name", d.Assistant.Name, AssistantName),
                Read("assistant.has_own_number", d.Assistant.HasOwnNumber, SettingParsers.Bool)),
            new TimingOptions(
                Read("timing.poll_interval_ms", d.Timing.PollIntervalMs, Positive()),
                Read("timing.scheduler_poll_interval_ms", d.Timing.SchedulerPollIntervalMs, Positive()),
                Read("timing.idle_timeout_ms", d.Timing.IdleTimeoutMs, Positive()),
                Read("timing.ipc_poll_interval_ms", d.Timing.IpcPollIntervalMs, Positive())),
            new ContainerOptions(
                Read("container.runtime", d.Container.Runtime, s => SettingParsers.OneOf(s, "auto", "apple", "docker", "podman")
                    .Map(v => Enum.Parse<ContainerRuntimeKind>(v, ignoreCase: true))),
                Read("container.image", d.Container.Image, SettingParsers.NonEmptyText),
                Read("container.timeout_ms", d.Container.TimeoutMs, Positive()),
                Read("container.max_output_size_bytes", d.Container.MaxOutputSizeBytes, s => SettingParsers.LongInRange(s, 1024, long.MaxValue)),
                Read("container.max_concurrent", d.Container.MaxConcurrent, s => SettingParsers.IntInRange(s, 1, 100)),
                Read("container.credential_proxy", d.Container.CredentialProxy, SettingParsers.Bool))
            {
                Network = Read("container.network", d.Container.Network, s => string.IsNullOrEmpty(s.Text) ? (Parsed<string>)"" : SettingParsers.NonEmptyText(s)),
                AgentUid = Read("container.agent_uid", d.Container.AgentUid, s => SettingParsers.IntInRange(s, 1, int.MaxValue)),
                Memory = Read("container.memory", d.Container.Memory, SettingParsers.MemorySize),
                PidsLimit = Read("container.pids_limit", d.Container.PidsLimit, s => SettingParsers.ZeroOrAtLeast(s, 16)),
                Cpus = Read("container.cpus", d.Container.Cpus, SettingParsers.CpuShare),
                ReadOnlyRoot = Read("container.read_only_root", d.Container.ReadOnlyRoot, SettingParsers.Bool),
                DropCapabilities = Read("container.drop_capabilities", d.Container.DropCapabilities, SettingParsers.Bool),
                NoNewPrivileges = Read("container.no_new_privileges", d.Container.NoNewPrivileges, SettingParsers.Bool),
                MaxRunMs = Read("container.max_run_ms", d.Container.MaxRunMs, s => SettingParsers.IntInRange(s, 1000, int.MaxValue)),
                ProxyTransport = Read("container.proxy_transport", d.Container.ProxyTransport, s => SettingParsers.OneOf(s, "auto", "socket", "tcp")
                    .Map(v => Enum.Parse<ProxyTransportKind>(v, ignoreCase: true))),
                ProxyListen = Read("container.proxy_listen", d.Container.ProxyListen, SettingParsers.ListenAddress),
                ProxyHostFromContainer = Read("container.proxy_host_from_container", d.Container.ProxyHostFromContainer, SettingParsers.HostName),
            },
            new PathOptions(
                Read("paths.store_dir", d.Paths.StoreDir, SettingParsers.PathText),
                Read("paths.groups_dir", d.Paths.GroupsDir, SettingParsers.PathText),
                Read("paths.data_dir", d.Paths.DataDir, SettingParsers.PathText)),
            new LoggingOptions(
                Read("logging.level", d.Logging.Level, s => SettingParsers.OneOf(s, "DEBUG", "INFO", "WARNING", "ERROR")),
                Read("logging.file", d.Logging.File, SettingParsers.PathText)),
            new ChannelOptions(
                Read("channels.whatsapp", d.Channels.WhatsApp, SettingParsers.Bool),
                Read("channels.local_chat", d.Channels.LocalChat, SettingParsers.Bool))
            {
                Telegram = new TelegramOptions(
                    Read("channels.telegram", d.Channels.Telegram.Enabled, SettingParsers.Bool),
                    Read("channels.telegram_api_base_url", d.Channels.Telegram.ApiBaseUrl,
                        s => SettingParsers.OptionalUrl(s).Map(u => u ?? d.Channels.Telegram.ApiBaseUrl)),
                    Read("channels.telegram_poll_timeout_s", d.Channels.Telegram.PollTimeoutSeconds, s => SettingParsers.IntInRange(s, 1, 50))),
            },
            Read("timezone", d.TimeZone, SettingParsers.IanaTimeZone))
        {
            Tasks = new NanoClaw.Core.Scheduling.TaskLimits(
                TimeSpan.FromMilliseconds(Read("tasks.min_interval_ms", (long)d.Tasks.MinInterval.TotalMilliseconds,
                    s => SettingParsers.LongInRange(s, 0, NanoClaw.Core.Scheduling.ScheduleRules.MaxIntervalMs))),
                Read("tasks.max_active_per_group", d.Tasks.MaxActivePerGroup, s => SettingParsers.IntInRange(s, 0, 1_000_000))),
            Media = new MediaOptions(
                Read("media.max_file_mb", d.Media.MaxFileMb, s => SettingParsers.IntInRange(s, 0, 2048)),
                Read("media.max_mb_per_group_per_day", d.Media.MaxMbPerGroupPerDay, s => SettingParsers.IntInRange(s, 0, 1_000_000)),
                Read("media.transcription_url", d.Media.TranscriptionUrl, s => string.IsNullOrEmpty(s.Text)
                    ? (Parsed<string>)""
                    : SettingParsers.OptionalUrl(s).Map(u => u ?? "")),
                Read("media.transcription_model", d.Media.TranscriptionModel, SettingParsers.NonEmptyText)),
            MediaMaxSendMb = Read("media.max_send_mb", d.MediaMaxSendMb, s => SettingParsers.IntInRange(s, 1, 2048)),
            Telemetry = new TelemetryOptions(
                Read("telemetry.otlp_endpoint", d.Telemetry.OtlpEndpoint, s => SettingParsers.OptionalUrl(s).Map(u => u ?? "")),
                Read("telemetry.export_interval_ms", d.Telemetry.ExportIntervalMs, s => SettingParsers.IntInRange(s, 100, 86_400_000))),
            Dashboard = new DashboardOptions(
                Read("dashboard.enabled", d.Dashboard.Enabled, SettingParsers.Bool),
                Read("dashboard.port", d.Dashboard.Port, s => SettingParsers.IntInRange(s, 0, 65535))),
        };

        if (error is null && options.Container.ProxyTransport == ProxyTransportKind.Tcp && options.Container.Network == "none")
            error = new ConfigError($"{raw["container.proxy_transport"].Origin}: container.proxy_transport: tcp needs a route from the containers to the host, " +
                $"and container.network ({raw["container.network"].Origin}) is none; use proxy_transport: socket (or auto) with network: none, or a bridge network");
        return error is null ? options : error;
    }

    /// <summary>The name becomes the trigger (<c>@Name</c>) and the bot prefix (<c>Name:</c>): one line, no colon, no leading @.</summary>
    private static Parsed<string> AssistantName(RawSetting s) =>
        SettingParsers.NonEmptyText(s).Bind(name => name.Contains(':') || name.StartsWith('@')
            ? new ConfigError($"{s.Origin}: {s.Key}: expected a name without ':' or a leading '@', got \"{name}\"")
            : (Parsed<string>)name);

    private static Parsed<Credentials> BuildCredentials(IEnumerable<RawSetting> settings)
    {
        var raw = Latest(settings);
        Parsed<string?> Secret(string key) => raw.TryGetValue(key, out var s) ? SettingParsers.Secret(s) : (string?)null;
        // In the order the keys were always checked, so the first error reported stays the same.
        var apiKey = Secret("anthropic_api_key");
        if (apiKey.Error is { } e1) return e1;
        var oauth = Secret("claude_code_oauth_token");
        if (oauth.Error is { } e2) return e2;
        var baseUrl = raw.TryGetValue("anthropic_base_url", out var u) ? SettingParsers.OptionalUrl(u) : (string?)null;
        if (baseUrl.Error is { } e3) return e3;
        var authToken = Secret("anthropic_auth_token");
        if (authToken.Error is { } e4) return e4;
        var transcriptionKey = Secret("transcription_api_key");
        if (transcriptionKey.Error is { } e5) return e5;
        var telegramToken = raw.TryGetValue("telegram_bot_token", out var t) ? SettingParsers.TelegramBotToken(t) : (string?)null;
        if (telegramToken.Error is { } e6) return e6;
        return new Credentials(Opt(apiKey.Value), Opt(oauth.Value), Opt(baseUrl.Value), Opt(authToken.Value))
        {
            TranscriptionApiKey = Opt(transcriptionKey.Value),
            TelegramBotToken = Opt(telegramToken.Value),
        };
    }

    private static Option<string> Opt(string? value) => value is null ? default : Option<string>.Some(value);

    private static NanoClawOptions Absolute(NanoClawOptions o, string root) => o with
    {
        Paths = new PathOptions(Resolve(root, o.Paths.StoreDir), Resolve(root, o.Paths.GroupsDir), Resolve(root, o.Paths.DataDir)),
        Logging = o.Logging with { File = Resolve(root, o.Logging.File) },
    };

    /// <summary>Relative to the project root; <c>~/</c> is the user's home.</summary>
    internal static string Resolve(string root, string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 1 ? path[2..] : "");
        return Path.GetFullPath(Path.Combine(root, path));
    }
}
