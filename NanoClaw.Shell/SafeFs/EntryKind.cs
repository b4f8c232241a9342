namespace NanoClaw.Shell.SafeFs;

/// <summary>What a directory entry is, seen without following it (<c>fstatat(AT_SYMLINK_NOFOLLOW)</c>).</summary>
public enum EntryKind
{
    Missing,
    File,
    Directory,
    Symlink,
    Fifo,
    Socket,
    Device,
    Other,
}
