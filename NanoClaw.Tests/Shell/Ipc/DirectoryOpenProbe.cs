using System.Runtime.InteropServices;

namespace NanoClaw.Tests.Shell.Ipc;

/// <summary>
/// Counts how often a directory is opened (inotify IN_OPEN, Linux), to show that nobody walked into it. Counting is
/// event-based: the caller opens the directory once itself and then reads every event queued so far, its own open
/// included, so no waiting is involved.
/// </summary>
internal sealed class DirectoryOpenProbe : IDisposable
{
    private const uint InOpen = 0x20, InCloseNoWrite = 0x10;
    private const int InCloexec = 0x80000;
    private readonly int fd;

    public DirectoryOpenProbe(string directory)
    {
        fd = inotify_init1(InCloexec);
        if (fd < 0) throw new IOException($"inotify_init1 failed: {Marshal.GetLastPInvokeError()}");
        // IN_CLOSE_NOWRITE too: identical consecutive events are merged by the kernel, an open/close pair in between is not.
        if (inotify_add_watch(fd, directory, InOpen | InCloseNoWrite) < 0) throw new IOException($"inotify_add_watch failed: {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Opens the directory once (the control), then returns how many opens were seen in all, the control's included.</summary>
    public int OpensIncludingOneOfOurOwn(string directory)
    {
        _ = Directory.GetFileSystemEntries(directory);
        var buffer = new byte[1 << 16];
        var opens = 0;
        var read = (int)read_events(fd, buffer, (nuint)buffer.Length); // blocking: at least our own open is queued
        if (read < 0) throw new IOException($"read from inotify failed: {Marshal.GetLastPInvokeError()}");
        for (var offset = 0; offset < read;)
        {
            var mask = BitConverter.ToUInt32(buffer, offset + 4);
            var nameLength = BitConverter.ToInt32(buffer, offset + 12);
            if ((mask & InOpen) != 0) opens++;
            offset += 16 + nameLength;
        }
        return opens;
    }

    public void Dispose() => close(fd);

    // DllImport, not LibraryImport: the generator would need unsafe code enabled in the test project.
    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_init1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_add_watch(int fd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mask);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint read_events(int fd, byte[] buffer, nuint count);

    [DllImport("libc")]
    private static extern int close(int fd);
}
