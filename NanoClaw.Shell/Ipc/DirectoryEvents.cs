using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Mono.Unix.Native;

namespace NanoClaw.Shell.Ipc;

/// <summary>
/// Non-recursive "something changed in this directory" hints for many directories at once. On Linux every
/// <see cref="FileSystemWatcher"/> takes its own inotify instance, and a user has only 128 of them (shared by every
/// process of that user): a watcher per group inbox ran the whole machine out with ~40 groups. Here one inotify
/// instance carries every watch (a watch costs a few hundred bytes of kernel memory; the per-user watch limit is in
/// the tens of thousands). Elsewhere (macOS) it falls back to one <see cref="FileSystemWatcher"/> per directory.
/// Events are hints only: they carry the entry name and never lead to file-system access here.
/// </summary>
public sealed class DirectoryEvents : IDisposable
{
    // inotify(7). IN_ONLYDIR and IN_DONT_FOLLOW: a link planted where a directory was expected is never watched through.
    private const uint InCreate = 0x100, InDelete = 0x200, InDeleteSelf = 0x400, InMoveSelf = 0x800, InMovedFrom = 0x40,
        InMovedTo = 0x80, InQueueOverflow = 0x4000, InIgnored = 0x8000, InOnlyDir = 0x01000000, InDontFollow = 0x02000000;
    private const uint Mask = InCreate | InDelete | InMovedFrom | InMovedTo | InDeleteSelf | InMoveSelf | InOnlyDir | InDontFollow;
    private const int InNonBlock = 0x800, InCloexec = 0x80000;

    private readonly object gate = new();
    private readonly Dictionary<int, List<Subscription>> byWatch = [];
    private readonly int fd = -1;
    private readonly Thread? reader;
    private volatile bool disposed;

    /// <summary>Starts the shared instance (Linux) or prepares the per-directory fallback.</summary>
    public DirectoryEvents()
    {
        if (!OperatingSystem.IsLinux()) return;
        fd = inotify_init1(InNonBlock | InCloexec);
        if (fd < 0) return; // no instance left: every Watch answers null and the safety scan carries the load
        reader = new Thread(ReadLoop) { IsBackground = true, Name = "nanoclaw-ipc-events" };
        reader.Start();
    }

    /// <summary>
    /// Calls <paramref name="changed"/> with the entry name of every creation, deletion or rename in
    /// <paramref name="path"/> (not below it), and <paramref name="lost"/> when events may have been missed or the
    /// directory itself went away. Null when it cannot be watched (gone, a link, limits): callers rescan instead.
    /// </summary>
    public IDisposable? Watch(string path, Action<string> changed, Action lost)
    {
        if (disposed) return null;
        if (!OperatingSystem.IsLinux()) return WatchWithFileSystemWatcher(path, changed, lost);
        if (fd < 0) return null;
        lock (gate)
        {
            var wd = inotify_add_watch(fd, path, Mask);
            if (wd < 0) return null;
            var subscription = new Subscription(this, wd, changed, lost);
            if (!byWatch.TryGetValue(wd, out var list)) byWatch[wd] = list = [];
            list.Add(subscription);
            return subscription;
        }
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (gate)
        {
            if (!byWatch.TryGetValue(subscription.Wd, out var list) || !list.Remove(subscription) || list.Count > 0) return;
            byWatch.Remove(subscription.Wd);
            // The same inode watched through another path shares the descriptor: removed only with its last subscriber.
            if (!disposed) _ = inotify_rm_watch(fd, subscription.Wd);
        }
    }

    private void ReadLoop()
    {
        var buffer = new byte[64 * 1024];
        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, 1);
        var poll = new[] { new Pollfd { fd = fd, events = PollEvents.POLLIN } };
        while (!disposed)
        {
            // A timeout so Dispose is noticed; an idle daemon wakes here once a second.
            if (Syscall.poll(poll, 1000) <= 0) continue;
            int n;
            try
            {
                n = stream.Read(buffer, 0, buffer.Length);
            }
            catch (IOException)
            {
                continue; // EAGAIN after a spurious wake-up
            }
            if (n > 0) Dispatch(buffer.AsSpan(0, n));
        }
    }

    private void Dispatch(ReadOnlySpan<byte> events)
    {
        var calls = new List<Action>();
        lock (gate)
        {
            while (events.Length >= 16)
            {
                var wd = BinaryPrimitives.ReadInt32LittleEndian(events);
                var mask = BinaryPrimitives.ReadUInt32LittleEndian(events[4..]);
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(events[12..]);
                var nameBytes = events.Slice(16, Math.Min(length, events.Length - 16));
                var end = nameBytes.IndexOf((byte)0);
                var name = Encoding.UTF8.GetString(end < 0 ? nameBytes : nameBytes[..end]);
                events = events[Math.Min(events.Length, 16 + length)..];
                if ((mask & InQueueOverflow) != 0)
                {
                    foreach (var s in byWatch.Values.SelectMany(l => l)) calls.Add(s.Lost);
                    continue;
                }
                if (!byWatch.TryGetValue(wd, out var list)) continue;
                if ((mask & (InIgnored | InDeleteSelf | InMoveSelf)) != 0)
                {
                    foreach (var s in list) calls.Add(s.Lost);
                    if ((mask & InIgnored) != 0) byWatch.Remove(wd); // the kernel dropped the watch
                    continue;
                }
                if (name.Length > 0) foreach (var s in list) calls.Add(() => s.Changed(name));
            }
        }
        foreach (var call in calls)
        {
            try { call(); }
            catch (Exception) { /* a hint handler must not end the reader */ }
        }
    }

    private IDisposable? WatchWithFileSystemWatcher(string path, Action<string> changed, Action lost)
    {
        try
        {
            var watcher = new FileSystemWatcher(path) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName, InternalBufferSize = 64 * 1024 };
            watcher.Created += (_, e) => changed(e.Name ?? "");
            watcher.Deleted += (_, e) => changed(e.Name ?? "");
            watcher.Renamed += (_, e) =>
            {
                changed(e.Name ?? "");
                changed(e.OldName ?? "");
            };
            watcher.Error += (_, _) => lost();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Stops the reader; the instance and every watch go with it.</summary>
    public void Dispose() => disposed = true;

    private sealed class Subscription(DirectoryEvents owner, int wd, Action<string> changed, Action lost) : IDisposable
    {
        private int disposedFlag;
        public int Wd { get; } = wd;
        public Action<string> Changed { get; } = changed;
        public Action Lost { get; } = lost;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposedFlag, 1) == 0) owner.Unsubscribe(this);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_init1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_add_watch(int fd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mask);

    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_rm_watch(int fd, int wd);
}
