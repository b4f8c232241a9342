using System.Diagnostics;
using System.Globalization;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.Sandbox;

/// <summary>
/// The non-root user <c>.ci/setup-rootless.sh</c> prepares for rootless Podman (subordinate ids, runtime directory,
/// its own image storage). A root test runner runs commands as that user with <c>setpriv</c> and a clean environment.
/// </summary>
public sealed record RootlessUser(string Name, int Uid, int Gid, string Home)
{
    public const string DefaultName = "nanoclaw-rootless";

    public const string SetupScript = ".ci/setup-rootless.sh";

    /// <summary>XDG_RUNTIME_DIR, made by the setup script (no systemd session creates it here).</summary>
    public string RuntimeDir => $"/run/user/{Uid}";

    /// <summary>What that user's processes need to find their own Podman configuration, storage and runtime directory.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["HOME"] = Home,
        ["USER"] = Name,
        ["LOGNAME"] = Name,
        ["XDG_RUNTIME_DIR"] = RuntimeDir,
        ["XDG_CONFIG_HOME"] = Path.Combine(Home, ".config"),
        ["XDG_DATA_HOME"] = Path.Combine(Home, ".local", "share"),
    };

    /// <summary>The user from /etc/passwd, or null when there is none.</summary>
    public static RootlessUser? Find(string name = DefaultName)
    {
        if (!File.Exists("/etc/passwd")) return null;
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var f = line.Split(':');
            if (f.Length >= 6 && f[0] == name)
                return new RootlessUser(name, int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture), f[5]);
        }
        return null;
    }

    /// <summary>True when this process can switch to another user (the tests run as root in CI).</summary>
    public static bool CanSwitch => OperatingSystem.IsLinux() && System.Environment.IsPrivilegedProcess;

    /// <summary>Runs <paramref name="file"/> as this user (clean environment, cwd /); returns exit code and output.</summary>
    public (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo("setpriv")
        {
            WorkingDirectory = "/",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { $"--reuid={Uid}", $"--regid={Gid}", "--init-groups", "env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" })
            info.ArgumentList.Add(a);
        foreach (var (k, v) in Environment) info.ArgumentList.Add($"{k}={v}");
        info.ArgumentList.Add(file);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            return (-1, $"{file} {string.Join(' ', args)} did not finish in 120 s");
        }
        return (p.ExitCode, output.Result + error.Result);
    }

    /// <summary>Removes this user's containers by name (its rootless Podman; root's Podman does not see them).</summary>
    public void RemoveContainers(IEnumerable<string> names)
    {
        var list = names.Distinct().ToList();
        if (list.Count > 0) Run("podman", ["rm", "-f", "--ignore", "-t", "0", .. list]);
    }

    /// <summary>Names of this user's containers that are still there (running or not).</summary>
    public IReadOnlyList<string> Containers() =>
        Run("podman", "ps", "-a", "--format", "{{.Names}}").Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(n => n.StartsWith("nanoclaw-", StringComparison.Ordinal)).ToList();

    /// <summary>Hands <paramref name="path"/> and everything under it to this user (an installation made by the root test runner).</summary>
    public void Own(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("chown", ["-R", $"{Uid}:{Gid}", path]) { RedirectStandardError = true })!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"chown -R {Name} {path}: {error}");
    }

    /// <summary>The real uid of a running process (from /proc), to prove who runs the daemon.</summary>
    public static int RealUidOf(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    /// <summary>The owner uid of a file (<c>stat</c>; links not followed).</summary>
    public static int OwnerOf(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("stat", ["-c", "%u", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return int.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Skip reason for a rootless test: null (run) under CI=true, or when this is root and the user exists.</summary>
    public static string? SkipReason() =>
        Requirements.IsCi || (CanSwitch && Find() is not null)
            ? null
            : $"rootless Podman is not set up here (user {DefaultName}; tests running as root): run `sudo bash {SetupScript}`, then the tests as root (CI=true runs this test)";
}

/// <summary>A test that runs the daemon as <see cref="RootlessUser"/>: skips locally without that user, never under CI.</summary>
public sealed class RootlessFactAttribute : FactAttribute
{
    public RootlessFactAttribute() =>
        Skip = RootlessUser.SkipReason() ?? Requirements.SkipUnless(Requirements.ClaudeCli is not null && Requirements.HasPodman, "Claude Code CLI and podman");
}
