using Mono.Unix.Native;

namespace NanoClaw.Shell.SafeFs;

/// <summary>What <see cref="SafeDirectory.Stat"/> found: the entry's kind, size in bytes and last write (UTC).</summary>
public readonly record struct EntryStat(EntryKind Kind, long Size, DateTimeOffset Modified);

public sealed partial class SafeDirectory
{
    /// <summary>Kind, size and modification time of <paramref name="name"/> itself (a link is never followed); null when nothing is there.</summary>
    public EntryStat? Stat(string name)
    {
        CheckName(name);
        Stat st = default;
        if (Sys(dir => Syscall.fstatat(dir, name, out st, AtFlags.AT_SYMLINK_NOFOLLOW), out var errno) == 0)
            return new EntryStat(KindOf(st.st_mode), st.st_size, DateTimeOffset.FromUnixTimeSeconds(st.st_mtime));
        if (errno is Errno.ENOENT or Errno.ENOTDIR) return null;
        throw Failure("stat", Where(name), errno);
    }
}
