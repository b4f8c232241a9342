using System.Security.Cryptography;
using Mono.Unix.Native;

namespace NanoClaw.Shell.SafeFs;

public sealed partial class SafeDirectory
{
    /// <summary>Deeper than this, subdirectories are moved up to the top of the tree being deleted instead of descended into (bounds descriptors and stack).</summary>
    private const int MaxOpenDepth = 32;

    /// <summary>Rounds of "list, remove, list again" before giving up on a tree someone keeps filling.</summary>
    private const int MaxPasses = 10_000;

    /// <summary>
    /// Removes <paramref name="name"/>: a file, link, FIFO, ... is unlinked (a link's target is untouched); a directory
    /// has its tree removed through handles, never following a link. Nothing there is not an error.
    /// </summary>
    public void Delete(string name)
    {
        CheckName(name);
        if (Sys(dir => Syscall.unlinkat(dir, name, 0), out var errno) == 0 || errno == Errno.ENOENT) return;
        // Linux says EISDIR for a directory, macOS EPERM.
        if (errno != Errno.EISDIR && !(errno == Errno.EPERM && Kind(name) == EntryKind.Directory)) throw Failure("remove", Where(name), errno);
        DeleteTree(name);
    }

    private void DeleteTree(string name)
    {
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var fd = Sys(dir => Syscall.openat(dir, name, DirectoryFlags), out var openErrno);
            if (fd < 0)
            {
                if (openErrno == Errno.ENOENT) return;
                if (IsNotADirectory(openErrno)) { RemoveNonDirectory(name); continue; }
                throw Failure("open directory", Where(name), openErrno);
            }
            using (var tree = new SafeDirectory(fd, Where(name))) tree.Empty(tree, 1);
            if (Sys(dir => Syscall.unlinkat(dir, name, AtFlags.AT_REMOVEDIR), out var errno) == 0 || errno == Errno.ENOENT) return;
            if (errno is not (Errno.ENOTEMPTY or Errno.EEXIST or Errno.ENOTDIR)) throw Failure("remove directory", Where(name), errno);
        }
        throw new SafeFsException($"{Where(name)} kept being refilled while it was being removed");
    }

    /// <summary>Removes everything in this directory. Subdirectories at <see cref="MaxOpenDepth"/> are moved into <paramref name="top"/>, which its caller lists again.</summary>
    private void Empty(SafeDirectory top, int depth)
    {
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var names = List();
            if (names.Count == 0) return;
            foreach (var name in names)
            {
                if (Sys(dir => Syscall.unlinkat(dir, name, 0), out var errno) == 0 || errno == Errno.ENOENT) continue;
                if (errno != Errno.EISDIR && !(errno == Errno.EPERM && Kind(name) == EntryKind.Directory)) throw Failure("remove", Where(name), errno);
                if (depth >= MaxOpenDepth)
                {
                    Rename(name, top, $".deleting-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
                    continue;
                }
                var fd = Sys(dir => Syscall.openat(dir, name, DirectoryFlags), out var openErrno);
                if (fd < 0)
                {
                    if (openErrno == Errno.ENOENT || IsNotADirectory(openErrno)) continue; // changed under us: the next pass sees it
                    throw Failure("open directory", Where(name), openErrno);
                }
                using (var child = new SafeDirectory(fd, Where(name))) child.Empty(top, depth + 1);
                if (Sys(dir => Syscall.unlinkat(dir, name, AtFlags.AT_REMOVEDIR), out var rmErrno) != 0
                    && rmErrno is not (Errno.ENOENT or Errno.ENOTEMPTY or Errno.EEXIST))
                    throw Failure("remove directory", Where(name), rmErrno);
            }
            // The top of the tree may just have received deep subdirectories: only it loops until really empty.
            if (depth > 1) return;
        }
        throw new SafeFsException($"{Path} kept being refilled while it was being removed");
    }
}
