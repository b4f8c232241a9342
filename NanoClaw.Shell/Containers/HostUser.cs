using System.Runtime.InteropServices;

namespace NanoClaw.Shell.Containers;

/// <summary>The uid/gid of this process, for the container's <c>--user</c> mapping.</summary>
public static class HostUser
{
    [DllImport("libc", EntryPoint = "getuid")]
    private static extern uint GetUid();

    [DllImport("libc", EntryPoint = "getgid")]
    private static extern uint GetGid();

    /// <summary>(uid, gid); (0, 0) on Windows, where containers run in a VM and no mapping applies.</summary>
    public static (int Uid, int Gid) Current()
    {
        if (OperatingSystem.IsWindows()) return (0, 0);
        try
        {
            return ((int)GetUid(), (int)GetGid());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Some platforms name libc differently; `id` is always there on Linux and macOS.
            return (IdValue("-u"), IdValue("-g"));
        }
    }

    private static int IdValue(string flag)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("id", flag) { RedirectStandardOutput = true })!;
        var text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return int.TryParse(text, out var v) ? v : 0;
    }
}
