using Microsoft.Win32.SafeHandles;
using Mono.Unix;
using Mono.Unix.Native;

namespace NanoClaw.Shell.SafeFs;

/// <summary>
/// A directory opened without following a link at its last component, and every operation relative to that handle
/// (<c>openat</c>, <c>fstatat</c>, <c>unlinkat</c>, <c>renameat</c>, ...). Swapping the directory, or any entry in it, for a
/// link after it was opened cannot redirect an operation somewhere else: names are single components, links are never
/// followed, nothing that could block (FIFO, device) is opened in a blocking way. This is the only code allowed to touch
/// paths inside directories an agent can write. POSIX calls only (Linux and macOS). See README.md beside this file.
/// </summary>
public sealed partial class SafeDirectory : IDisposable
{
    private const OpenFlags DirectoryFlags = OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC;
    private const UnixFileMode DefaultDirectoryMode = (UnixFileMode)0b111_101_101; // 0755

    private readonly SafeFileHandle handle;

    private SafeDirectory(int fd, string path)
    {
        handle = new SafeFileHandle(fd, ownsHandle: true);
        Path = path;
    }

    /// <summary>Where this directory was when it was opened; for messages only, never used to reach it again.</summary>
    public string Path { get; }

    /// <summary>Opens an existing directory. Components before the last are trusted (host-owned) and resolved normally; the last is never followed.</summary>
    public static SafeDirectory Open(string absPath)
    {
        var path = Normalize(absPath);
        var fd = Syscall.open(path, DirectoryFlags);
        if (fd < 0) throw Failure("open directory", path, Stdlib.GetLastError());
        return new SafeDirectory(fd, path);
    }

    /// <summary>
    /// Opens a directory, creating it (and missing trusted parents) when absent. Anything else at the last component
    /// (a link, FIFO, file) is removed and replaced by a directory, never followed.
    /// </summary>
    public static SafeDirectory OpenOrCreate(string absPath, UnixFileMode mode = DefaultDirectoryMode)
    {
        var path = Normalize(absPath);
        var fd = Syscall.open(path, DirectoryFlags);
        if (fd >= 0) return new SafeDirectory(fd, path);
        var parentPath = System.IO.Path.GetDirectoryName(path) ?? throw new SafeFsException($"{path} has no parent directory");
        Directory.CreateDirectory(parentPath);
        var parentFd = Syscall.open(parentPath, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC);
        if (parentFd < 0) throw Failure("open directory", parentPath, Stdlib.GetLastError());
        using var parent = new SafeDirectory(parentFd, parentPath);
        return parent.OpenOrCreateChild(System.IO.Path.GetFileName(path), mode);
    }

    /// <summary>Opens the directory <paramref name="name"/> in this one. Anything else found there is removed (never followed) and the call throws.</summary>
    public SafeDirectory OpenChild(string name)
    {
        CheckName(name);
        var fd = Sys(dir => Syscall.openat(dir, name, DirectoryFlags), out var errno);
        if (fd >= 0) return new SafeDirectory(fd, Where(name));
        if (errno == Errno.ENOENT) throw new SafeFsException($"{Where(name)} does not exist", errno);
        if (!IsNotADirectory(errno)) throw Failure("open directory", Where(name), errno);
        var kind = Kind(name);
        RemoveNonDirectory(name);
        throw new SafeFsException($"{Where(name)} {Describe(kind)}, not a directory; removed", errno);
    }

    /// <summary>Opens the directory <paramref name="name"/>, creating it when absent; anything else there is removed first, never followed.</summary>
    public SafeDirectory OpenOrCreateChild(string name, UnixFileMode mode = DefaultDirectoryMode)
    {
        CheckName(name);
        var created = false;
        // An agent racing us can keep replacing the entry; a few rounds are enough for honest races, then give up.
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var fd = Sys(dir => Syscall.openat(dir, name, DirectoryFlags), out var openErrno);
            if (fd >= 0)
            {
                var opened = new SafeDirectory(fd, Where(name));
                // mkdirat's mode is masked by the umask; the caller asked for an exact one.
                if (created && Syscall.fchmod(fd, ToPermissions(mode)) != 0)
                {
                    var errno = Stdlib.GetLastError();
                    opened.Dispose();
                    throw Failure("chmod", Where(name), errno);
                }
                return opened;
            }
            if (openErrno == Errno.ENOENT)
            {
                if (Sys(dir => Syscall.mkdirat(dir, name, ToPermissions(mode)), out var mkdirErrno) == 0) created = true;
                else if (mkdirErrno != Errno.EEXIST) throw Failure("create directory", Where(name), mkdirErrno);
            }
            else if (IsNotADirectory(openErrno)) RemoveNonDirectory(name);
            else throw Failure("open directory", Where(name), openErrno);
        }
        throw new SafeFsException($"{Where(name)} kept changing while being opened as a directory");
    }

    /// <summary>The names in this directory (not "." or ".."), read through the handle, never the path.</summary>
    public IReadOnlyList<string> List()
    {
        // A fresh open of "." has its own offset, so concurrent listings of one handle do not disturb each other.
        var fd = Sys(dir => Syscall.openat(dir, ".", DirectoryFlags), out var openErrno);
        if (fd < 0) throw Failure("open directory", Path, openErrno);
        var stream = Syscall.fdopendir(fd);
        if (stream == IntPtr.Zero)
        {
            var errno = Stdlib.GetLastError();
            Syscall.close(fd);
            throw Failure("list", Path, errno);
        }
        try
        {
            var names = new List<string>();
            while (true)
            {
                var entry = Syscall.readdir(stream);
                if (entry is null)
                {
                    var errno = Stdlib.GetLastError();
                    if (errno != 0) throw Failure("list", Path, errno);
                    return names;
                }
                if (entry.d_name is "." or "..") continue;
                names.Add(entry.d_name);
            }
        }
        finally
        {
            Syscall.closedir(stream);
        }
    }

    /// <summary>What <paramref name="name"/> is, without following it.</summary>
    public EntryKind Kind(string name)
    {
        CheckName(name);
        Stat st = default;
        if (Sys(dir => Syscall.fstatat(dir, name, out st, AtFlags.AT_SYMLINK_NOFOLLOW), out var errno) == 0) return KindOf(st.st_mode);
        if (errno is Errno.ENOENT or Errno.ENOTDIR) return EntryKind.Missing;
        throw Failure("stat", Where(name), errno);
    }

    /// <summary>Moves <paramref name="name"/> to <paramref name="newName"/> in <paramref name="targetDirectory"/> (<c>renameat</c>; an existing target entry is replaced, as rename does).</summary>
    public void Rename(string name, SafeDirectory targetDirectory, string newName)
    {
        CheckName(name);
        CheckName(newName);
        var errno = default(Errno);
        var result = targetDirectory.Use(target => Sys(dir => Syscall.renameat(dir, name, target, newName), out errno));
        if (result != 0) throw Failure("rename", $"{Where(name)} -> {targetDirectory.Where(newName)}", errno);
    }

    /// <summary>Changes the owner of <paramref name="name"/> itself (a link is never followed).</summary>
    public void ChangeOwner(string name, int uid, int gid)
    {
        CheckName(name);
        if (Sys(dir => Syscall.fchownat(dir, name, uid, gid, AtFlags.AT_SYMLINK_NOFOLLOW), out var errno) != 0)
            throw Failure("chown", Where(name), errno);
    }

    public void Dispose() => handle.Dispose();

    private string Where(string name) => Path + "/" + name;

    /// <summary>Runs a call with the raw descriptor, kept alive (not closed under it by a concurrent Dispose) for the call.</summary>
    private T Use<T>(Func<int, T> call)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return call((int)handle.DangerousGetHandle());
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>A system call on the descriptor; <paramref name="errno"/> is read at once, before anything else can change it.</summary>
    private int Sys(Func<int, int> call, out Errno errno)
    {
        var caught = default(Errno);
        var result = Use(dir =>
        {
            var r = call(dir);
            caught = r < 0 ? Stdlib.GetLastError() : 0;
            return r;
        });
        errno = caught;
        return result;
    }

    private static string Normalize(string absPath)
    {
        if (!System.IO.Path.IsPathFullyQualified(absPath)) throw new ArgumentException($"'{absPath}' is not an absolute path", nameof(absPath));
        // A trailing slash would make open() follow a link at the last component despite O_NOFOLLOW.
        var path = absPath.TrimEnd('/');
        var last = System.IO.Path.GetFileName(path);
        if (path.Length == 0 || last is "" or "." or "..") throw new ArgumentException($"'{absPath}' does not name a directory entry", nameof(absPath));
        return path;
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name.Contains('/') || name.Contains('\0'))
            throw new ArgumentException($"'{name}' is not a single file name", nameof(name));
    }

    /// <summary>ELOOP (Linux, macOS) or EMLINK (BSD) for a link under O_NOFOLLOW, ENOTDIR for anything else under O_DIRECTORY.</summary>
    private static bool IsNotADirectory(Errno errno) => errno is Errno.ELOOP or Errno.ENOTDIR or Errno.EMLINK;

    private void RemoveNonDirectory(string name)
    {
        if (Sys(dir => Syscall.unlinkat(dir, name, 0), out var errno) == 0) return;
        // Gone already, or it became a directory in the meantime: the caller's next attempt sees it.
        if (errno is Errno.ENOENT or Errno.EISDIR) return;
        if (errno == Errno.EPERM && Kind(name) == EntryKind.Directory) return;
        throw Failure("remove", Where(name), errno);
    }

    internal static EntryKind KindOf(FilePermissions mode) => (mode & FilePermissions.S_IFMT) switch
    {
        FilePermissions.S_IFREG => EntryKind.File,
        FilePermissions.S_IFDIR => EntryKind.Directory,
        FilePermissions.S_IFLNK => EntryKind.Symlink,
        FilePermissions.S_IFIFO => EntryKind.Fifo,
        FilePermissions.S_IFSOCK => EntryKind.Socket,
        FilePermissions.S_IFCHR or FilePermissions.S_IFBLK => EntryKind.Device,
        _ => EntryKind.Other,
    };

    /// <summary>A phrase for refusal reasons: "is a FIFO", "is a symbolic link", ...</summary>
    public static string Describe(EntryKind kind) => kind switch
    {
        EntryKind.Missing => "does not exist",
        EntryKind.File => "is a regular file",
        EntryKind.Directory => "is a directory",
        EntryKind.Symlink => "is a symbolic link",
        EntryKind.Fifo => "is a FIFO",
        EntryKind.Socket => "is a socket",
        EntryKind.Device => "is a device",
        _ => "is not a regular file",
    };

    private static FilePermissions ToPermissions(UnixFileMode mode) => (FilePermissions)(uint)mode;

    private static SafeFsException Failure(string operation, string what, Errno errno) =>
        new($"could not {operation} {what}: {errno} ({UnixMarshal.GetErrorDescription(errno)})", errno);
}
