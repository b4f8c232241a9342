using System.Runtime.InteropServices;

namespace NanoClaw.AgentRunner.Lifetime;

/// <summary>
/// Signs that the host is gone, checked while the runner waits for input: its IPC directory no longer exists (the
/// host's data directory was deleted: nothing can arrive any more), or the reading end of stdout is closed (no record
/// can reach anyone). Stdin tells nothing: the host closes it after the input JSON by design.
/// </summary>
internal static class HostSide
{
    /// <summary>Why the host is gone, or null while it looks present.</summary>
    public static string? GoneReason(string ipcDir, string ipcInputDir)
    {
        if (!Directory.Exists(ipcDir)) return $"the IPC directory {ipcDir} is gone";
        try
        {
            // Creating it again works while the IPC directory exists; inside a deleted bind-mounted directory it fails.
            Directory.CreateDirectory(ipcInputDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the IPC directory {ipcInputDir} is gone ({e.Message})";
        }
        return StdoutClosed() ? "stdout is closed: nobody reads the records any more" : null;
    }

    private const short PollErr = 0x008, PollHup = 0x010, PollNval = 0x020;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int poll([In, Out] PollFd[] fds, nuint count, int timeoutMs);

    /// <summary>
    /// Whether fd 1's reader is gone. .NET drops writes to a broken pipe silently, so writing would never tell; poll()
    /// with no events reports POLLERR/POLLHUP for a pipe or socket whose other end is closed, and nothing for a file or tty.
    /// </summary>
    private static bool StdoutClosed()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false;
        try
        {
            var fds = new[] { new PollFd { Fd = 1, Events = 0 } };
            return poll(fds, 1, 0) == 1 && (fds[0].Revents & (PollErr | PollHup | PollNval)) != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
