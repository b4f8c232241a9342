using System.Diagnostics;

namespace NanoClaw.Tests.Support;

/// <summary>
/// Finds the real components some tests need. Under CI=true nothing may skip: a missing component
/// makes the test run and fail loudly instead. Locally a missing component skips with a message.
/// </summary>
public static class Requirements
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static readonly Lazy<bool> PodmanWorks = new(() => Runs("podman", "info --format {{.Host.OS}}"));
    private static readonly Lazy<bool> NodeWorks = new(() => Runs("node", "--version"));

    public static bool HasPodman => PodmanWorks.Value;
    public static bool HasNode => NodeWorks.Value;

    /// <summary>Path of the pinned Claude Code CLI installed by scripts/install-claude-code.sh, if present.</summary>
    public static string? ClaudeCli
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("NANOCLAW_CLAUDE_CLI");
            if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv)) return fromEnv;
            var root = RepoRoot();
            var local = Path.Combine(root, ".tools", "claude-code", "node_modules", ".bin", "claude");
            return File.Exists(local) ? local : null;
        }
    }

    /// <summary>The repository root (the directory holding NanoClaw.sln).</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NanoClaw.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("NanoClaw.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A skip reason when the component is missing and we are not in CI, otherwise null (run).</summary>
    public static string? SkipUnless(bool present, string what) =>
        present || IsCi ? null : $"{what} is not available here (CI=true runs this test); see scripts/test.sh";

    private static bool Runs(string file, string args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (p is null) return false;
            if (!p.WaitForExit(30_000)) { p.Kill(true); return false; }
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>A test that needs a working Podman; skips locally without one, never under CI.</summary>
public sealed class PodmanFactAttribute : FactAttribute
{
    public PodmanFactAttribute() => Skip = Requirements.SkipUnless(Requirements.HasPodman, "podman");
}

/// <summary>A test that needs the pinned Claude Code CLI; skips locally without it, never under CI.</summary>
public sealed class ClaudeFactAttribute : FactAttribute
{
    public ClaudeFactAttribute() => Skip = Requirements.SkipUnless(Requirements.ClaudeCli is not null, "the Claude Code CLI (.tools/claude-code)");
}

/// <summary>A test that needs the Claude Code CLI and Podman (agent image tests).</summary>
public sealed class ClaudeImageFactAttribute : FactAttribute
{
    public ClaudeImageFactAttribute() =>
        Skip = Requirements.SkipUnless(Requirements.ClaudeCli is not null && Requirements.HasPodman, "Claude Code CLI and podman");
}

/// <summary>A test that needs Node.js (the WhatsApp sidecar).</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute() => Skip = Requirements.SkipUnless(Requirements.HasNode, "node");
}
