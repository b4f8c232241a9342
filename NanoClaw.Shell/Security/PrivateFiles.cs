using NanoClaw.Core.Config;
using Serilog;

namespace NanoClaw.Shell.Security;

/// <summary>
/// Files at rest that only the daemon's user may read (F10): the store (database with every message, WhatsApp keys
/// under <c>store/auth</c>), the logs, the host-side data directory (session transcripts, IPC, the chat socket) and
/// <c>credentials.yml</c>. Directories 0700, files 0600. Paths a container must read (<c>groups/</c>, the mounts
/// under <c>data/</c>) are not tightened here: a bind mount is reached by the runtime, not through
/// <c>data/</c>'s own mode, so a 0700 <c>data/</c> does not hide a group's mounts from its container.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>One path that must be private.</summary>
    /// <param name="Path">Absolute path.</param>
    /// <param name="IsDirectory">Directory (0700) or file (0600).</param>
    public sealed record Entry(string Path, bool IsDirectory)
    {
        public UnixFileMode Mode => IsDirectory ? DirectoryMode : FileMode;
        public string ModeText => IsDirectory ? "0700" : "0600";
    }

    /// <summary>Every path that must be private, whether it exists yet or not.</summary>
    public static IReadOnlyList<Entry> Expected(NanoClawOptions options, string projectRoot)
    {
        var store = options.Paths.StoreDir;
        var db = Path.Combine(store, "messages.db");
        return
        [
            new(store, true),
            new(Path.Combine(store, "auth"), true),
            new(db, false),
            new(db + "-wal", false),
            new(db + "-shm", false),
            new(Path.GetDirectoryName(Path.GetFullPath(options.Logging.File))!, true),
            new(options.Paths.DataDir, true),
            new(Path.Combine(projectRoot, "credentials.yml"), false),
        ];
    }

    /// <summary>Existing entries whose mode lets the group or others in (symbolic links are not followed and not listed).</summary>
    public static IReadOnlyList<(Entry Entry, UnixFileMode Actual)> TooOpen(IEnumerable<Entry> entries) =>
        entries.Select(e => (Entry: e, Actual: ModeOf(e)))
            .Where(x => x.Actual is { } m && (m & GroupOrOther) != 0)
            .Select(x => (x.Entry, x.Actual!.Value))
            .ToList();

    /// <summary>Tightens every existing entry that is too open, logging each change. Never follows a link.</summary>
    public static void Secure(NanoClawOptions options, string projectRoot, ILogger log)
    {
        if (OperatingSystem.IsWindows()) return;
        foreach (var (entry, actual) in TooOpen(Expected(options, projectRoot)))
        {
            try
            {
                File.SetUnixFileMode(entry.Path, entry.Mode);
                log.Information("Made {Path} private ({Mode}, was {Was})", entry.Path, entry.ModeText, Octal(actual));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Warning("Cannot make {Path} private ({Mode}): {Reason}", entry.Path, entry.ModeText, e.Message);
            }
        }
    }

    /// <summary>Creates a directory that is private from the start (0700); an existing one is left as it is.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, DirectoryMode);
    }

    /// <summary>
    /// Makes a host-owned tree that containers mount read-only (<c>groups/global</c>) readable by them even under a
    /// umask of 0077 (the service files set one): directories get o+rx, regular files o+r. A root daemon's containers
    /// run as another uid, so without this a non-main group would lose the shared memory. Links are not followed.
    /// </summary>
    public static void MakeReadableByContainers(string directory, ILogger log)
    {
        if (OperatingSystem.IsWindows()) return;
        const UnixFileMode dirBits = UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        const UnixFileMode fileBits = UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        var pending = new Stack<DirectoryInfo>();
        var root = new DirectoryInfo(directory);
        if (!root.Exists || root.LinkTarget is not null) return;
        pending.Push(root);
        var visited = 0;
        while (pending.Count > 0 && visited++ < 10_000)
        {
            var dir = pending.Pop();
            try
            {
                if ((dir.UnixFileMode & dirBits) != dirBits) dir.UnixFileMode |= dirBits;
                foreach (var entry in dir.EnumerateFileSystemInfos())
                {
                    if (entry.LinkTarget is not null) continue;
                    if (entry is DirectoryInfo sub) pending.Push(sub);
                    else if (entry is FileInfo file && (file.UnixFileMode & fileBits) != fileBits) file.UnixFileMode |= fileBits;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Warning("Cannot make {Path} readable by containers: {Reason}", dir.FullName, e.Message);
            }
        }
    }

    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');

    private static UnixFileMode? ModeOf(Entry e)
    {
        if (OperatingSystem.IsWindows()) return null;
        var info = e.IsDirectory ? (FileSystemInfo)new DirectoryInfo(e.Path) : new FileInfo(e.Path);
        if (!info.Exists || info.LinkTarget is not null) return null;
        return info.UnixFileMode;
    }
}
