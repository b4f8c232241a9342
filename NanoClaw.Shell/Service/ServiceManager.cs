using NanoClaw.Shell.Containers;

namespace NanoClaw.Shell.Service;

/// <summary>
/// Talks to systemd (<c>systemctl --user</c>) or launchd (<c>launchctl</c>). The programs can be replaced through
/// NANOCLAW_SYSTEMCTL / NANOCLAW_LAUNCHCTL (tests; unusual installs). Never throws for a missing manager.
/// </summary>
public sealed class ServiceManager(ServiceKind kind, string filePath, Func<string, string?> env)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private string Systemctl => env("NANOCLAW_SYSTEMCTL") is { Length: > 0 } s ? s : "systemctl";
    private string Launchctl => env("NANOCLAW_LAUNCHCTL") is { Length: > 0 } l ? l : "launchctl";

    /// <summary>Makes the manager load the written file and start the service now and at every login.</summary>
    public async Task<CliResult> ActivateAsync(CancellationToken ct)
    {
        if (kind == ServiceKind.Launchd)
        {
            await ProcessRunner.RunAsync(Launchctl, ["unload", filePath], Limit, ct); // a loaded older copy would shadow the new one
            return await ProcessRunner.RunAsync(Launchctl, ["load", "-w", filePath], Limit, ct);
        }
        var reload = await ProcessRunner.RunAsync(Systemctl, ["--user", "daemon-reload"], Limit, ct);
        if (!reload.Ok) return reload;
        return await ProcessRunner.RunAsync(Systemctl, ["--user", "enable", "--now", ServiceDefinition.SystemdUnitName], Limit, ct);
    }

    /// <summary>Stops the service and stops starting it at login (before the file is removed).</summary>
    public Task<CliResult> DeactivateAsync(CancellationToken ct) => kind == ServiceKind.Launchd
        ? ProcessRunner.RunAsync(Launchctl, ["unload", "-w", filePath], Limit, ct)
        : ProcessRunner.RunAsync(Systemctl, ["--user", "disable", "--now", ServiceDefinition.SystemdUnitName], Limit, ct);

    /// <summary>After the file is gone, systemd must forget it.</summary>
    public async Task ForgetAsync(CancellationToken ct)
    {
        if (kind == ServiceKind.Systemd) await ProcessRunner.RunAsync(Systemctl, ["--user", "daemon-reload"], Limit, ct);
    }

    /// <summary>"active", "inactive", "failed"…, or null with the reason when the manager cannot be asked.</summary>
    public async Task<(string? State, string Detail)> StateAsync(CancellationToken ct)
    {
        if (kind == ServiceKind.Launchd)
        {
            var list = await ProcessRunner.RunAsync(Launchctl, ["list", ServiceDefinition.LaunchdLabel], Limit, ct);
            if (list.ExitCode == -1) return (null, list.Reason);
            return list.Ok
                ? (list.StandardOutput.Contains("\"PID\"", StringComparison.Ordinal) ? "active" : "loaded, not running", "launchctl list")
                : ("not loaded", "launchctl list");
        }
        var state = await ProcessRunner.RunAsync(Systemctl, ["--user", "is-active", ServiceDefinition.SystemdUnitName], Limit, ct);
        var word = state.StandardOutput.Trim();
        // is-active prints the state and exits non-zero for anything but active; no output means systemctl itself failed.
        return state.ExitCode == -1 || word.Length == 0 || word.Contains(' ') ? (null, state.Reason) : (word, "systemctl --user is-active");
    }

    /// <summary>The commands to type when activation failed or was skipped.</summary>
    public string ManualActivation => kind == ServiceKind.Launchd
        ? $"launchctl load -w {filePath}"
        : $"systemctl --user daemon-reload && systemctl --user enable --now {ServiceDefinition.SystemdUnitName}";
}
