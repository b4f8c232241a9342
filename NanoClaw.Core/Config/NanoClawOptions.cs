namespace NanoClaw.Core.Config;

/// <summary>All non-secret settings (<c>config.yml</c>). Defaults are the documented ones.</summary>
/// <param name="Assistant">Assistant identity.</param>
/// <param name="Timing">Safety-poll intervals and idle timeout.</param>
/// <param name="Container">Container runtime settings.</param>
/// <param name="Paths">Data directories (absolute after loading).</param>
/// <param name="Logging">Log level and file.</param>
/// <param name="Channels">Which channels run.</param>
/// <param name="TimeZone">IANA time zone id used for prompts and schedules.</param>
public sealed record NanoClawOptions(
    AssistantOptions Assistant,
    TimingOptions Timing,
    ContainerOptions Container,
    PathOptions Paths,
    LoggingOptions Logging,
    ChannelOptions Channels,
    string TimeZone)
{
    /// <summary>The documented defaults.</summary>
    public static NanoClawOptions Default { get; } = new(
        new AssistantOptions("Andy", false),
        new TimingOptions(2000, 60000, 1800000, 1000),
        new ContainerOptions(ContainerRuntimeKind.Auto, "nanoclaw-agent:latest", 1800000, 10485760, 5, true),
        new PathOptions("store", "groups", "data"),
        new LoggingOptions("INFO", "logs/nanoclaw.log"),
        new ChannelOptions(true, true),
        "America/New_York");

    /// <summary>
    /// Caps on what a group may schedule (<c>tasks.min_interval_ms</c>, <c>tasks.max_active_per_group</c>), enforced
    /// on every task an agent or the CLI creates, updates or resumes.
    /// </summary>
    public Scheduling.TaskLimits Tasks { get; init; } = Scheduling.TaskLimits.Default;

    /// <summary>Largest file an agent may send with <c>send_file</c>, in MiB (<c>media.max_send_mb</c>).</summary>
    public int MediaMaxSendMb { get; init; } = 16;

    /// <summary>Inbound media: download limits and voice-note transcription (<c>media.*</c>).</summary>
    public MediaOptions Media { get; init; } = MediaOptions.Default;
}

/// <summary>Inbound media settings (<c>media.*</c> in <c>config.yml</c>).</summary>
/// <param name="MaxFileMb">Largest file downloaded, in MiB; a bigger one is recorded as "too large". 0 downloads nothing.</param>
/// <param name="MaxMbPerGroupPerDay">Most MiB downloaded per group per UTC day; past it files are recorded as not downloaded.</param>
/// <param name="TranscriptionUrl">
/// Base URL of an OpenAI-compatible transcription service (<c>POST {url}/v1/audio/transcriptions</c>); empty turns
/// transcription off. Its key, if it needs one, is <c>transcription_api_key</c> in <c>credentials.yml</c>.
/// </param>
/// <param name="TranscriptionModel">The <c>model</c> field sent with each transcription request.</param>
public sealed record MediaOptions(int MaxFileMb, int MaxMbPerGroupPerDay, string TranscriptionUrl, string TranscriptionModel)
{
    /// <summary>20 MiB per file, 200 MiB per group per day, no transcription, model <c>whisper-1</c>.</summary>
    public static readonly MediaOptions Default = new(20, 200, "", "whisper-1");

    /// <summary><see cref="MaxFileMb"/> in bytes.</summary>
    public long MaxFileBytes => MaxFileMb * 1024L * 1024L;

    /// <summary><see cref="MaxMbPerGroupPerDay"/> in bytes.</summary>
    public long MaxBytesPerGroupPerDay => MaxMbPerGroupPerDay * 1024L * 1024L;
}

/// <summary>Assistant identity.</summary>
/// <param name="Name">Assistant name: trigger is <c>@Name</c>, bot prefix is <c>Name: </c>.</param>
/// <param name="HasOwnNumber">True when the assistant has a dedicated WhatsApp number.</param>
public sealed record AssistantOptions(string Name, bool HasOwnNumber);

/// <summary>Timing settings, in milliseconds.</summary>
/// <param name="PollIntervalMs">Safety poll of the message store.</param>
/// <param name="SchedulerPollIntervalMs">Safety poll for due tasks.</param>
/// <param name="IdleTimeoutMs">Close a container this long after its last output.</param>
/// <param name="IpcPollIntervalMs">Safety poll of IPC directories.</param>
public sealed record TimingOptions(int PollIntervalMs, int SchedulerPollIntervalMs, int IdleTimeoutMs, int IpcPollIntervalMs);

/// <summary>Which container CLI to drive.</summary>
public enum ContainerRuntimeKind
{
    /// <summary>The first runtime that answers.</summary>
    Auto,
    /// <summary>Apple Container (<c>container</c> CLI, macOS).</summary>
    Apple,
    /// <summary>Docker.</summary>
    Docker,
    /// <summary>Podman.</summary>
    Podman,
}

/// <summary>How containers reach the credential proxy (<c>container.proxy_transport</c>).</summary>
public enum ProxyTransportKind
{
    /// <summary>A per-run socket for Podman and Docker on a Linux host; TCP for Apple Container and VM-based runtimes.</summary>
    Auto,
    /// <summary>A per-run Unix socket bind-mounted into the container (Linux containers on a Linux host only).</summary>
    Socket,
    /// <summary>One TCP listener on a host address the container can reach; the run is found from its token.</summary>
    Tcp,
}

/// <summary>Container settings.</summary>
/// <param name="Runtime">Runtime to use.</param>
/// <param name="Image">Agent image reference.</param>
/// <param name="TimeoutMs">Default hard timeout.</param>
/// <param name="MaxOutputSizeBytes">Cap on stdout/stderr kept for the log.</param>
/// <param name="MaxConcurrent">Most containers running at once.</param>
/// <param name="CredentialProxy">Reach the API through the per-run credential proxy socket (default); false hands the real key to containers.</param>
public sealed record ContainerOptions(
    ContainerRuntimeKind Runtime,
    string Image,
    int TimeoutMs,
    long MaxOutputSizeBytes,
    int MaxConcurrent,
    bool CredentialProxy)
{
    /// <summary>
    /// Container network (<c>--network</c>); empty means the runtime's default. <c>host</c> lets agents reach
    /// loopback services such as a local API gateway (a C# addition, <c>container.network</c>).
    /// </summary>
    public string Network { get; init; } = "";

    /// <summary><c>container.proxy_transport</c>: how containers reach the credential proxy (see <see cref="Containers.ProxyTransportPlan"/>).</summary>
    public ProxyTransportKind ProxyTransport { get; init; } = ProxyTransportKind.Auto;

    /// <summary>
    /// <c>container.proxy_listen</c>: host address (IP, optionally <c>:port</c>) the TCP transport binds; empty for the
    /// runtime's default. Port 0 or none lets the OS choose.
    /// </summary>
    public string ProxyListen { get; init; } = "";

    /// <summary><c>container.proxy_host_from_container</c>: host name or IP the container uses for the TCP transport; empty for the runtime's default.</summary>
    public string ProxyHostFromContainer { get; init; } = "";

    /// <summary>
    /// Uid and gid agent containers run as when the daemon runs as root (<c>container.agent_uid</c>): the daemon
    /// hands the writable mounts to it, never to whoever holds uid 1000 on the host. Pick one with no account.
    /// </summary>
    public int AgentUid { get; init; } = DefaultAgentUid;

    /// <summary>Default <see cref="AgentUid"/>: below 65536 (so user-namespace remapping keeps it) and outside the ranges distributions allocate.</summary>
    public const int DefaultAgentUid = 59999;

    /// <summary><c>container.memory</c>: memory (and swap) limit per container, e.g. <c>2g</c>; empty or <c>0</c> for none.</summary>
    public string Memory { get; init; } = "2g";

    /// <summary><c>container.pids_limit</c>: most processes and threads per container; 0 for none.</summary>
    public int PidsLimit { get; init; } = 512;

    /// <summary><c>container.cpus</c>: CPU share per container, e.g. <c>2</c> or <c>0.5</c>; empty or <c>0</c> for none.</summary>
    public string Cpus { get; init; } = "2";

    /// <summary><c>container.read_only_root</c>: read-only root filesystem with tmpfs on <c>/tmp</c> and the home directory.</summary>
    public bool ReadOnlyRoot { get; init; } = true;

    /// <summary><c>container.drop_capabilities</c>: <c>--cap-drop=ALL</c>.</summary>
    public bool DropCapabilities { get; init; } = true;

    /// <summary><c>container.no_new_privileges</c>: <c>--security-opt=no-new-privileges</c>.</summary>
    public bool NoNewPrivileges { get; init; } = true;

    /// <summary>
    /// <c>container.max_run_ms</c>: the absolute maximum run time of one container, counted from its start; output
    /// never extends it (unlike the hard timeout). Default 4 hours.
    /// </summary>
    public int MaxRunMs { get; init; } = 14_400_000;

    /// <summary>The limits these settings describe (<c>0</c> as "none" normalised to empty).</summary>
    public Containers.ContainerLimits Limits => new(
        Memory == "0" ? "" : Memory, PidsLimit, Cpus is "0" or "0.0" ? "" : Cpus, ReadOnlyRoot, DropCapabilities, NoNewPrivileges);
}

/// <summary>Data directories, relative to the project root in the file, absolute after loading.</summary>
/// <param name="StoreDir">SQLite store and WhatsApp auth.</param>
/// <param name="GroupsDir">Per-group folders.</param>
/// <param name="DataDir">IPC, sessions and sockets.</param>
public sealed record PathOptions(string StoreDir, string GroupsDir, string DataDir);

/// <summary>Logging settings.</summary>
/// <param name="Level">DEBUG, INFO, WARNING or ERROR.</param>
/// <param name="File">Rolling log file path.</param>
public sealed record LoggingOptions(string Level, string File);

/// <summary>Which channels the daemon runs (a C# addition: the spec's daemon always ran WhatsApp).</summary>
/// <param name="WhatsApp">Run the WhatsApp channel.</param>
/// <param name="LocalChat">Run the local Unix-socket chat channel.</param>
public sealed record ChannelOptions(bool WhatsApp, bool LocalChat)
{
    /// <summary>The Telegram channel (<c>channels.telegram*</c>); off by default.</summary>
    public TelegramOptions Telegram { get; init; } = TelegramOptions.Default;
}

/// <summary>
/// The Telegram channel's settings, flat keys of the <c>channels</c> section: <c>channels.telegram</c> (on/off),
/// <c>channels.telegram_api_base_url</c>, <c>channels.telegram_poll_timeout_s</c>. The bot token is a secret
/// (<c>telegram_bot_token</c> in <c>credentials.yml</c>).
/// </summary>
/// <param name="Enabled">Run the Telegram channel (it also needs the token).</param>
/// <param name="ApiBaseUrl">The Bot API server, <c>https://api.telegram.org</c> unless a local Bot API server (or a test fake) is used.</param>
/// <param name="PollTimeoutSeconds">How long one getUpdates long poll is held open by the server.</param>
public sealed record TelegramOptions(bool Enabled, string ApiBaseUrl, int PollTimeoutSeconds)
{
    /// <summary>Telegram's own Bot API server.</summary>
    public const string OfficialApiBaseUrl = "https://api.telegram.org";

    /// <summary>Off, the official server, 30-second long polls.</summary>
    public static readonly TelegramOptions Default = new(false, OfficialApiBaseUrl, 30);
}

/// <summary>Secrets (<c>credentials.yml</c>); never logged, never written under <c>data/</c> or <c>groups/</c>.</summary>
/// <param name="AnthropicApiKey">API key.</param>
/// <param name="ClaudeCodeOauthToken">OAuth token for Claude Code subscriptions.</param>
/// <param name="AnthropicBaseUrl">Alternative API base URL.</param>
/// <param name="AnthropicAuthToken">Bearer token for a gateway.</param>
public sealed record Credentials(
    LanguageExt.Option<string> AnthropicApiKey,
    LanguageExt.Option<string> ClaudeCodeOauthToken,
    LanguageExt.Option<string> AnthropicBaseUrl,
    LanguageExt.Option<string> AnthropicAuthToken)
{
    /// <summary>No credentials.</summary>
    public static Credentials None { get; } = new(default, default, default, default);

    /// <summary>Bearer key of the transcription service (<c>transcription_api_key</c>); the host only, never a container.</summary>
    public LanguageExt.Option<string> TranscriptionApiKey { get; init; }

    /// <summary>The Telegram bot's token from BotFather (<c>telegram_bot_token</c>); the host only, never a container.</summary>
    public LanguageExt.Option<string> TelegramBotToken { get; init; }

    /// <summary>Every secret value that must be redacted wherever text leaves the process.</summary>
    public LanguageExt.Seq<string> SecretValues =>
        LanguageExt.Prelude.Seq(AnthropicApiKey, ClaudeCodeOauthToken, AnthropicAuthToken, TranscriptionApiKey, TelegramBotToken)
            .Somes().Filter(s => s.Length > 0);
}
