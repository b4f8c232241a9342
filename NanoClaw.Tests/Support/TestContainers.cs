using System.Diagnostics;

namespace NanoClaw.Tests.Support;

/// <summary>
/// Clean-up for tests that run real containers (issue 20): whatever a test started through a daemon or a runner is
/// removed in its clean-up, also when the test failed half-way. Containers are recognised by name prefix and by a bind
/// mount from the test's own directory, so parallel suites' containers on the same machine are left alone.
/// </summary>
public static class TestContainers
{
    /// <summary>Removes (<c>rm -f</c>) every <c>nanoclaw-*</c> container with a mount source under <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> RemoveThoseMounting(string root)
    {
        if (!Requirements.HasPodman) return [];
        var prefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        var names = Run("ps", "-a", "--filter", "name=nanoclaw-", "--format", "{{.Names}}")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ours = names
            .Where(n => Run("inspect", "--format", "{{range .Mounts}}{{.Source}}\n{{end}}", n)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Any(source => (source + Path.DirectorySeparatorChar).StartsWith(prefix, StringComparison.Ordinal)))
            .ToList();
        if (ours.Count > 0) Run(["rm", "-f", "-t", "0", .. ours]);
        return ours;
    }

    private static string Run(params string[] args)
    {
        var info = new ProcessStartInfo("podman") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        p.StandardError.ReadToEnd();
        p.WaitForExit(60_000);
        return output.Result;
    }
}
