using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Mono.Unix.Native;

namespace NanoClaw.Shell.SafeFs;

public sealed partial class SafeDirectory
{
    private const OpenFlags ReadFlags = OpenFlags.O_RDONLY | OpenFlags.O_NOFOLLOW | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC | OpenFlags.O_NOCTTY;
    private const OpenFlags CreateFlags = OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL | OpenFlags.O_NOFOLLOW | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC;

    /// <summary>Test seam: runs after the opened file passed its checks and before its bytes are read (a test grows the file here).</summary>
    internal Action<string>? BeforeReadForTests { get; set; }

    /// <summary>
    /// Reads <paramref name="name"/> when it is a regular file with one link and at most <paramref name="maxBytes"/>
    /// bytes. Never follows a link, never blocks (a FIFO is refused, not read), reads at most maxBytes+1 bytes (a file
    /// that grows past the limit while being read is refused).
    /// </summary>
    public SafeRead ReadFile(string name, long maxBytes)
    {
        CheckName(name);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(maxBytes, Array.MaxLength);
        // Look first, so that a FIFO or device is normally not even opened; the fstat below is what decides.
        var kind = Kind(name);
        if (kind == EntryKind.Missing) return new SafeRead.Refused(Describe(kind), Missing: true);
        if (kind != EntryKind.File) return new SafeRead.Refused(Describe(kind));
        var fd = Sys(dir => Syscall.openat(dir, name, ReadFlags), out var errno);
        if (fd < 0)
        {
            return errno switch
            {
                Errno.ENOENT => new SafeRead.Refused(Describe(EntryKind.Missing), Missing: true),
                Errno.ELOOP or Errno.EMLINK => new SafeRead.Refused(Describe(EntryKind.Symlink)),
                Errno.ENXIO => new SafeRead.Refused(Describe(EntryKind.Socket)),
                _ => new SafeRead.Refused($"could not be opened: {errno}"),
            };
        }
        using var file = new SafeFileHandle(fd, ownsHandle: true);
        if (Syscall.fstat(fd, out var st) != 0) return new SafeRead.Refused($"could not be examined: {Stdlib.GetLastError()}");
        var opened = KindOf(st.st_mode);
        if (opened != EntryKind.File) return new SafeRead.Refused(Describe(opened));
        if (st.st_nlink != 1) return new SafeRead.Refused($"has {st.st_nlink} hard links");
        if (st.st_size > maxBytes) return new SafeRead.Refused($"is {st.st_size} bytes; the limit is {maxBytes}");
        BeforeReadForTests?.Invoke(name);
        return ReadAtMost(file, st.st_size, maxBytes);
    }

    private static SafeRead ReadAtMost(SafeFileHandle file, long statSize, long maxBytes)
    {
        // Sized from fstat (files under /proc report 0), grown as needed, never beyond maxBytes+1.
        var buffer = new byte[(int)Math.Min(maxBytes + 1, Math.Max(statSize + 1, 4096))];
        long total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length > maxBytes) break;
                Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
            }
            var read = RandomAccess.Read(file, buffer.AsSpan((int)total), total);
            if (read == 0) break;
            total += read;
        }
        if (total > maxBytes) return new SafeRead.Refused($"grew past the limit of {maxBytes} bytes while being read");
        return new SafeRead.Ok(total == buffer.Length ? buffer : buffer[..(int)total]);
    }

    /// <summary>Creates <paramref name="name"/> holding <paramref name="bytes"/> with exactly <paramref name="mode"/>; fails if anything is there already (never follows, never blocks).</summary>
    public void CreateFile(string name, ReadOnlySpan<byte> bytes, UnixFileMode mode)
    {
        CheckName(name);
        var fd = Sys(dir => Syscall.openat(dir, name, CreateFlags, ToPermissions(mode)), out var errno);
        if (fd < 0)
        {
            if (errno == Errno.EEXIST) throw new SafeFsException($"could not create {Where(name)}: it already exists and {Describe(Kind(name))}", errno);
            throw Failure("create", Where(name), errno);
        }
        try
        {
            using var file = new SafeFileHandle(fd, ownsHandle: true);
            // The mode given to open is masked by the umask; the caller asked for an exact one.
            if (Syscall.fchmod(fd, ToPermissions(mode)) != 0) throw Failure("chmod", Where(name), Stdlib.GetLastError());
            RandomAccess.Write(file, bytes, 0);
        }
        catch
        {
            Sys(dir => Syscall.unlinkat(dir, name, 0), out _);
            throw;
        }
    }

    /// <summary>
    /// Replaces <paramref name="name"/> with a file holding <paramref name="bytes"/>: written to an exclusive temporary
    /// name, then renamed over it. Whatever was at the name (a link, FIFO, file, or a directory tree) is replaced, never
    /// followed or opened.
    /// </summary>
    public void WriteAtomically(string name, ReadOnlySpan<byte> bytes, UnixFileMode mode)
    {
        CheckName(name);
        var temporary = $".{name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        CreateFile(temporary, bytes, mode);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                if (Sys(dir => Syscall.renameat(dir, temporary, dir, name), out var errno) == 0) return;
                // A directory cannot be renamed over: remove that tree (relative to handles) and try again.
                if (attempt < 3 && errno is Errno.EISDIR or Errno.ENOTEMPTY or Errno.EEXIST or Errno.ENOTDIR) Delete(name);
                else throw Failure("rename", $"{Where(temporary)} -> {name}", errno);
            }
        }
        catch
        {
            Sys(dir => Syscall.unlinkat(dir, temporary, 0), out _);
            throw;
        }
    }
}
