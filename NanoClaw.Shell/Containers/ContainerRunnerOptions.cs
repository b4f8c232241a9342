using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;

namespace NanoClaw.Shell.Containers;

/// <summary>Settings of the container runner (from <c>config.yml</c>; paths absolute).</summary>
/// <param name="ProjectRoot">Project root (main's read-only mount; <c>container/skills</c> lives under it).</param>
/// <param name="GroupsDir">The <c>groups/</c> directory.</param>
/// <param name="DataDir">The <c>data/</c> directory.</param>
/// <param name="Image">Agent image.</param>
/// <param name="DefaultTimeoutMs"><c>container.timeout_ms</c>.</param>
/// <param name="IdleTimeoutMs"><c>timing.idle_timeout_ms</c>.</param>
/// <param name="MaxOutputSizeBytes">Cap on stdout and on stderr kept for the log.</param>
/// <param name="TimeZone">IANA zone passed as <c>TZ</c>.</param>
/// <param name="AllowlistPath">The mount allowlist file (usually <c>~/.config/nanoclaw/mount-allowlist.json</c>).</param>
/// <param name="VerboseRunLogs">Write full input/stdout/stderr into every run log (debug level), not only on error.</param>
/// <param name="HostUid">Uid of this process.</param>
/// <param name="HostGid">Gid of this process.</param>
/// <param name="StopGrace">How long a graceful stop may take before the runtime kills.</param>
public sealed record ContainerRunnerOptions(
    string ProjectRoot,
    string GroupsDir,
    string DataDir,
    string Image,
    int DefaultTimeoutMs,
    int IdleTimeoutMs,
    long MaxOutputSizeBytes,
    string TimeZone,
    string AllowlistPath,
    bool VerboseRunLogs,
    int HostUid,
    int HostGid,
    TimeSpan StopGrace)
{
    /// <summary>The standard allowlist location, outside the project so no container can reach it.</summary>
    public static string DefaultAllowlistPath =>
        Path.Combine(HostPaths.Home, ".config", "nanoclaw", "mount-allowlist.json");

    /// <summary>
    /// The runner's settings from the loaded configuration (paths already absolute): debug level makes every run log
    /// verbose; uid/gid are this process's.
    /// </summary>
    public static ContainerRunnerOptions From(NanoClaw.Core.Config.NanoClawOptions o, string projectRoot, string? allowlistPath = null)
    {
        var (uid, gid) = HostUser.Current();
        return new ContainerRunnerOptions(
            projectRoot, o.Paths.GroupsDir, o.Paths.DataDir, o.Container.Image, o.Container.TimeoutMs, o.Timing.IdleTimeoutMs,
            o.Container.MaxOutputSizeBytes, o.TimeZone, allowlistPath ?? DefaultAllowlistPath,
            string.Equals(o.Logging.Level, "DEBUG", StringComparison.OrdinalIgnoreCase), uid, gid, TimeSpan.FromSeconds(10))
        {
            Network = o.Container.Network,
            StoreDir = o.Paths.StoreDir,
            LogsDir = Path.GetDirectoryName(Path.GetFullPath(o.Logging.File)) ?? Path.Combine(projectRoot, "logs"),
            CredentialsFile = Path.Combine(projectRoot, NanoClaw.Shell.Config.ConfigLoader.CredentialsFile),
            AgentOwner = uid == 0 && OperatingSystem.IsLinux() ? (o.Container.AgentUid, o.Container.AgentUid) : null,
            ProtectedDirs = ProtectedDirsOf(o, allowlistPath ?? DefaultAllowlistPath),
            Limits = FitToHost(o.Container.Limits, Environment.ProcessorCount),
            MaxRunMs = o.Container.MaxRunMs,
        };
    }

    /// <summary>Host directories no extra mount may overlap besides project, groups and data (F14).</summary>
    public Seq<string> ProtectedDirs { get; init; }

    // The store (database, WhatsApp keys), the log directory and the allowlists' directory, wherever they are, each
    // also by its real path (the planner compares real paths of the extras).
    private static Seq<string> ProtectedDirsOf(NanoClaw.Core.Config.NanoClawOptions o, string allowlistPath) =>
        LanguageExt.Prelude.Seq(o.Paths.StoreDir, Path.GetDirectoryName(Path.GetFullPath(o.Logging.File)) ?? o.Paths.StoreDir,
                Path.GetDirectoryName(Path.GetFullPath(allowlistPath)) ?? allowlistPath, Path.Combine(HostPaths.Home, ".config", "nanoclaw"))
            .Bind(p => HostPaths.RealPath(p).ToSeq().Add(Path.GetFullPath(p)))
            .Distinct();

    /// <summary>
    /// Docker refuses <c>--cpus</c> above the machine's CPU count (and the default of 2 would stop every run on a
    /// one-CPU machine), so the share is capped at what the host has.
    /// </summary>
    public static ContainerLimits FitToHost(ContainerLimits limits, int processorCount) =>
        decimal.TryParse(limits.Cpus, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var cpus)
        && cpus > processorCount && processorCount > 0
            ? limits with { Cpus = processorCount.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : limits;

    /// <summary>Resource and privilege limits of every container (<c>container.memory</c>, <c>pids_limit</c>, …).</summary>
    public ContainerLimits Limits { get; init; } = ContainerLimits.None;

    /// <summary><c>container.max_run_ms</c>: the absolute maximum run time, which output never extends.</summary>
    public int MaxRunMs { get; init; } = NanoClaw.Core.Config.NanoClawOptions.Default.Container.MaxRunMs;

    /// <summary>Network the containers join (<c>container.network</c>); empty for the runtime's default.</summary>
    public string Network { get; init; } = "";

    /// <summary>The skills, mounted read-only at <c>/home/node/.claude/skills</c> (host-owned, never copied into a session store).</summary>
    public string SkillsDir => Path.Combine(ProjectRoot, "container", "skills");

    /// <summary>
    /// Set for a root daemon on Linux: the dedicated uid/gid (<c>container.agent_uid</c>) containers run as
    /// (<c>--user</c>) and the writable mounts are handed to. Null: containers keep today's user mapping.
    /// </summary>
    public (int Uid, int Gid)? AgentOwner { get; init; }

    /// <summary>The store (<c>paths.store_dir</c>): never mounted, shadowed in main's project view.</summary>
    public string StoreDir { get; init; } = "";

    /// <summary>The directory of the daemon's log file: never mounted; run logs go to its <c>runs/</c>.</summary>
    public string LogsDir { get; init; } = "";

    /// <summary>The secrets file: never mounted, shadowed in main's project view.</summary>
    public string CredentialsFile { get; init; } = "";

    /// <summary>Run logs: <c>&lt;logs&gt;/runs/&lt;folder&gt;/container-&lt;ts&gt;.log</c>, a place no container can reach.</summary>
    public string RunLogsDir => Path.Combine(LogsDir.Length > 0 ? LogsDir : Path.Combine(ProjectRoot, "logs"), "runs");
}

/// <summary>One run to perform.</summary>
/// <param name="Group">The group (its folder, main flag and container config).</param>
/// <param name="Input">What goes on stdin.</param>
/// <param name="Tasks">All scheduled tasks (filtered per group in the snapshot).</param>
/// <param name="AvailableGroups">Known chats for main's snapshot.</param>
/// <param name="ExtraEnv">Extra environment (e.g. the credential proxy's URL); never secrets.</param>
public sealed record ContainerRunRequest(
    RegisteredGroup Group,
    ContainerInput Input,
    Seq<ScheduledTask> Tasks,
    Seq<AvailableGroup> AvailableGroups,
    Seq<(string Name, string Value)> ExtraEnv);
