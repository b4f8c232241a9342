using System.Runtime.InteropServices;

namespace NanoClaw.Shell.Daemon;

/// <summary>The uid/gid of this process, for the container <c>--user</c> mapping (SPEC §7).</summary>
public static class HostIdentity
{
    [DllImport("libc", EntryPoint = "getuid")]
    private static extern uint GetUid();

    [DllImport("libc", EntryPoint = "getgid")]
    private static extern uint GetGid();

    public static (int Uid, int Gid) Current =>
        OperatingSystem.IsWindows() ? (0, 0) : ((int)GetUid(), (int)GetGid());
}
