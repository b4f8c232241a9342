namespace NanoClaw.Shell.Service;

/// <summary>Which service manager the files are for.</summary>
public enum ServiceKind
{
    /// <summary>A systemd user unit (Linux).</summary>
    Systemd,
    /// <summary>A launchd agent (macOS).</summary>
    Launchd,
}

/// <summary>What the service runs, for the current installation.</summary>
/// <param name="Command">The executable and its arguments (e.g. <c>/opt/nanoclaw/nanoclaw run</c>, or <c>dotnet nanoclaw.dll run</c>).</param>
/// <param name="WorkingDirectory">The project root (where config.yml, store/, groups/ live).</param>
/// <param name="Environment">Variables the service needs that a service manager does not provide (PATH, DOTNET_ROOT).</param>
public sealed record ServiceDefinition(IReadOnlyList<string> Command, string WorkingDirectory, IReadOnlyList<(string Name, string Value)> Environment)
{
    /// <summary>systemd unit name and launchd label (NanoClaw's own label).</summary>
    public const string SystemdUnitName = "nanoclaw.service";
    public const string LaunchdLabel = "com.nanoclaw";

    /// <summary>Seconds between restarts (systemd's RestartSec, launchd's ThrottleInterval).</summary>
    public const int RestartDelaySeconds = 15;

    /// <summary>
    /// The service's umask (systemd <c>UMask=</c>, launchd <c>Umask</c>): what the daemon creates without an explicit
    /// mode is private to its user (F10). Written only when <see cref="PrivateUMask"/> holds.
    /// </summary>
    public const string UMask = "0077";

    /// <summary>
    /// Whether the service runs with <see cref="UMask"/>. False for a root daemon: its containers run as another uid
    /// (the image's <c>node</c>), and files the daemon hands them at run time (input files, snapshots) would then be
    /// unreadable; measured: with umask 077 a root daemon's follow-up message never reached the idle agent, and a
    /// second container was started. The store, logs, data and credentials get their private modes explicitly either way.
    /// </summary>
    public bool PrivateUMask { get; init; } = true;

    /// <summary>systemd gives up after this many starts within <see cref="StartLimitIntervalSeconds"/>.</summary>
    public const int StartLimitBurst = 5;
    public const int StartLimitIntervalSeconds = 600;

    /// <summary>
    /// Exit codes a restart cannot cure (bad config, WhatsApp not linked or logged out, sidecar missing, not set up):
    /// systemd stops instead of looping until a person acts.
    /// </summary>
    public static IReadOnlyList<int> NoRestartExitCodes { get; } = [2, 3, 4, 5, 7];

    /// <summary>Where the unit or plist goes for <paramref name="home"/> (systemd honours XDG_CONFIG_HOME when it is set).</summary>
    public static string FilePath(ServiceKind kind, string home, string? xdgConfigHome) => kind switch
    {
        ServiceKind.Launchd => Path.Combine(home, "Library", "LaunchAgents", LaunchdLabel + ".plist"),
        _ => Path.Combine(string.IsNullOrEmpty(xdgConfigHome) || !Path.IsPathRooted(xdgConfigHome) ? Path.Combine(home, ".config") : xdgConfigHome,
            "systemd", "user", SystemdUnitName),
    };
}
