using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// Which leftover <c>nanoclaw-*</c> containers are this installation's orphans: those with a bind mount under its own
/// data directory. Agents of another installation on the same machine (another user's daemon, a test suite) share
/// the name prefix but not the mounts, and are left alone. When the runtime cannot tell (no <c>inspect</c>, another
/// output format), the container counts as ours, so a real orphan is never left running. A container that is gone by
/// the time it is inspected (the runtime answers "no such container": another installation's run that just ended) is
/// nobody's orphan: it is neither stopped nor reported.
/// </summary>
public static class InstallationContainers
{
    private static readonly TimeSpan InspectTimeout = TimeSpan.FromSeconds(15);

    public static Func<string, bool> Of(string runtimeExecutable, string dataDir)
    {
        var roots = new[] { Path.GetFullPath(dataDir), RealPath(dataDir) }.Distinct().Select(r => r.TrimEnd('/') + "/").ToList();
        return name => MountSources(runtimeExecutable, name, out var gone) is not { } sources
                       ? !gone
                       : sources.Any(s => roots.Any(r => (s.TrimEnd('/') + "/").StartsWith(r, StringComparison.Ordinal)
                                                       || (RealPath(s).TrimEnd('/') + "/").StartsWith(r, StringComparison.Ordinal)));
    }

    /// <summary>
    /// Host paths mounted into the container, or null when the runtime does not answer the question; <paramref name="gone"/>
    /// says the runtime answered that no such container exists.
    /// </summary>
    private static IReadOnlyList<string>? MountSources(string executable, string name, out bool gone)
    {
        gone = false;
        try
        {
            var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
            // A real newline between sources: Go templates print "\n" literally.
            foreach (var a in new[] { "inspect", "--format", "{{range .Mounts}}{{.Source}}\n{{end}}", name }) info.ArgumentList.Add(a);
            using var p = Process.Start(info);
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(InspectTimeout))
            {
                p.Kill(entireProcessTree: true);
                return null;
            }
            if (p.ExitCode != 0)
            {
                // Podman: "no such container"; Docker: "No such object" / "No such container".
                gone = error.Result.Contains("no such", StringComparison.OrdinalIgnoreCase);
                return null;
            }
            var sources = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return sources.All(s => s.StartsWith('/')) ? sources : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The path with every symbolic link resolved (as the runtime reports mounts), or the path as given.</summary>
    private static string RealPath(string path)
    {
        if (OperatingSystem.IsWindows()) return Path.GetFullPath(path);
        var resolved = NativeRealPath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return Path.GetFullPath(path);
        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? path;
        }
        finally
        {
            Free(resolved);
        }
    }

    [DllImport("libc", EntryPoint = "realpath")]
    private static extern IntPtr NativeRealPath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);
}
