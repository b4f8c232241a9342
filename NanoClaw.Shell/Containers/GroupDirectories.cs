using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Shell.SafeFs;
using Serilog;

namespace NanoClaw.Shell.Containers;

/// <summary>
/// The host side of a group's files around a container run (SPEC §7, §8). Two kinds of place, kept apart:
/// <list type="bullet">
/// <item>agent-writable (<c>groups/&lt;f&gt;</c>, <c>data/sessions/&lt;f&gt;/.claude</c>, <c>data/ipc/&lt;f&gt;</c>): touched only
/// through <see cref="SafeDirectory"/> — relative to a handle, never following a link, never blocking on a FIFO;</item>
/// <item>host-only (<c>data/snapshots/&lt;f&gt;</c> and <c>data/media/&lt;f&gt;</c>, mounted read-only; <c>logs/runs/&lt;f&gt;</c>, never mounted): plain I/O.</item>
/// </list>
/// Paths are absolute. Nothing here writes into the session store any more (settings and skills come read-only).
/// </summary>
public sealed class GroupDirectories
{
    /// <summary>Name of the empty file asking the agent to finish.</summary>
    public const string CloseSentinel = "_close";

    private static readonly string[] IpcSubdirs = ["messages", "tasks", "input"];
    private const UnixFileMode PublicDir = (UnixFileMode)0b111_101_101;   // 0755: the container's uid reads it
    private const UnixFileMode PublicFile = (UnixFileMode)0b110_100_100;  // 0644

    private readonly string groupsDir;
    private readonly string dataDir;
    private readonly string runLogsDir;
    private readonly TimeProvider time;
    private readonly ILogger log;
    private readonly (int Uid, int Gid)? agentOwner;

    /// <param name="groupsDir"><c>groups/</c>.</param>
    /// <param name="dataDir"><c>data/</c>.</param>
    /// <param name="runLogsDir">Host-only directory of run logs (<c>logs/runs</c>).</param>
    /// <param name="time">Clock for file names and snapshots.</param>
    /// <param name="log">Where refused entries are reported.</param>
    /// <param name="agentOwner">
    /// When set (a root daemon), the uid/gid the containers run as: the writable mounts are handed to it
    /// (no-follow chown), never to whoever holds uid 1000 on the host.
    /// </param>
    public GroupDirectories(string groupsDir, string dataDir, string runLogsDir, TimeProvider time, ILogger? log = null, (int Uid, int Gid)? agentOwner = null)
    {
        this.groupsDir = Path.GetFullPath(groupsDir);
        this.dataDir = Path.GetFullPath(dataDir);
        this.runLogsDir = Path.GetFullPath(runLogsDir);
        this.time = time;
        this.log = (log ?? Serilog.Core.Logger.None).ForContext<GroupDirectories>();
        this.agentOwner = agentOwner;
    }

    /// <summary><c>groups/&lt;folder&gt;</c>.</summary>
    public string GroupDir(string folder) => Resolve(groupsDir, folder);

    /// <summary><c>data/ipc/&lt;folder&gt;</c>.</summary>
    public string IpcDir(string folder) => Resolve(Path.Combine(dataDir, "ipc"), folder);

    /// <summary><c>data/sessions/&lt;folder&gt;</c> (its <c>.claude</c> is the mounted session store).</summary>
    public string SessionDir(string folder) => Resolve(Path.Combine(dataDir, "sessions"), folder);

    /// <summary><c>data/sessions/&lt;folder&gt;/.claude</c>.</summary>
    public string ClaudeDir(string folder) => Path.Combine(SessionDir(folder), ".claude");

    /// <summary><c>data/ipc/&lt;folder&gt;/input</c>.</summary>
    public string InputDir(string folder) => Path.Combine(IpcDir(folder), "input");

    /// <summary><c>data/snapshots/&lt;folder&gt;</c>: host-owned, mounted read-only at <c>/workspace/snapshots</c>.</summary>
    public string SnapshotsDir(string folder) => MountPlanner.SnapshotsDir(dataDir, folder).Match(p => p, e => throw new ArgumentException(e, nameof(folder)));

    /// <summary><c>data/media/&lt;folder&gt;</c>: written by the WhatsApp sidecar (host), mounted read-only at <c>/workspace/media</c>.</summary>
    public string MediaDir(string folder) => MountPlanner.MediaDir(dataDir, folder).Match(p => p, e => throw new ArgumentException(e, nameof(folder)));

    /// <summary><c>logs/runs/&lt;folder&gt;</c>: host-only, never mounted.</summary>
    public string RunLogDir(string folder) => Resolve(runLogsDir, folder);

    /// <summary>The root of the run logs (<c>logs/runs</c>), for telling the user where they are.</summary>
    public string RunLogsRoot => runLogsDir;

    /// <summary><c>data/empty</c>: a host-owned empty directory (0555) that shadows secrets in main's project view.</summary>
    public string EmptyDir => Path.Combine(dataDir, "empty");

    /// <summary>
    /// Creates what a run needs: the group folder, the IPC directories, the session store (with an empty
    /// <c>skills</c> mount point) and the host-only snapshot directory. A stale <c>_close</c> and leftover input from
    /// an earlier run are removed (the new prompt already carries every unanswered message). Whatever the agent left
    /// where a directory belongs (a link, a FIFO, a file) is removed with a logged reason and never followed.
    /// </summary>
    public void Prepare(string folder)
    {
        Directory.CreateDirectory(groupsDir);
        using (var groups = SafeDirectory.Open(groupsDir))
        using (ChildDirectory(groups, folder, "group folder")) { }

        using (var ipc = OpenAgentRoot(Path.Combine(dataDir, "ipc"), folder))
        {
            foreach (var sub in IpcSubdirs)
            {
                using var d = ChildDirectory(ipc, sub, "IPC directory");
                if (sub == "input") ClearInput(d, folder);
            }
        }
        using (var session = OpenAgentRoot(Path.Combine(dataDir, "sessions"), folder))
        using (var claude = ChildDirectory(session, ".claude", "session store"))
        using (ChildDirectory(claude, "skills", "skills mount point")) { }

        EnsureHostDir(SnapshotsDir(folder), PublicDir);
        // The mount source must exist before the first photo arrives; the sidecar fills it.
        EnsureHostDir(MediaDir(folder), PublicDir);
        if (!Directory.Exists(EmptyDir)) EnsureHostDir(EmptyDir, (UnixFileMode)0b101_101_101);
        if (agentOwner is { } owner) GiveToAgent(folder, owner);
    }

    private static SafeDirectory OpenAgentRoot(string parent, string folder)
    {
        Directory.CreateDirectory(parent);
        using var p = SafeDirectory.Open(parent);
        return p.OpenOrCreateChild(folder);
    }

    /// <summary>Opens (or creates) a directory inside an agent-writable one, logging what had to be removed first.</summary>
    private SafeDirectory ChildDirectory(SafeDirectory parent, string name, string what)
    {
        var kind = parent.Kind(name);
        if (kind is not (EntryKind.Directory or EntryKind.Missing))
            log.Warning("Removed a {Kind} found where the {What} '{Name}' belongs; it was not followed", kind, what, name);
        return parent.OpenOrCreateChild(name);
    }

    private void ClearInput(SafeDirectory input, string folder)
    {
        foreach (var name in input.List())
        {
            // Input piped to an earlier agent that was already closing (or died) was never answered; the pipeline
            // rolled its cursor back and puts those messages in this run's prompt, so leftover files would repeat them.
            if (name != CloseSentinel && !name.Contains(".json", StringComparison.Ordinal)) continue;
            var kind = input.Kind(name);
            if (kind is not (EntryKind.File or EntryKind.Missing))
                log.Warning("Removed a {Kind} named {Name} from the input directory of {Folder}", kind, name, folder);
            try { input.Delete(name); }
            catch (SafeFsException e) { log.Warning("Cannot remove {Name} from the input directory of {Folder}: {Error}", name, folder, e.Message); }
        }
    }

    /// <summary>
    /// A root daemon creates these directories as root, where the container's user could not write them. Hands the
    /// writable mounts and their top-level entries to the dedicated agent uid, without following any link.
    /// </summary>
    private void GiveToAgent(string folder, (int Uid, int Gid) owner)
    {
        using (var groups = SafeDirectory.Open(groupsDir))
        {
            groups.ChangeOwner(folder, owner.Uid, owner.Gid);
            using var group = groups.OpenChild(folder);
            foreach (var name in group.List()) group.ChangeOwner(name, owner.Uid, owner.Gid);
        }
        using (var ipcRoot = SafeDirectory.Open(Path.Combine(dataDir, "ipc")))
        {
            ipcRoot.ChangeOwner(folder, owner.Uid, owner.Gid);
            using var ipc = ipcRoot.OpenChild(folder);
            foreach (var sub in IpcSubdirs) ipc.ChangeOwner(sub, owner.Uid, owner.Gid);
        }
        using (var sessions = SafeDirectory.Open(Path.Combine(dataDir, "sessions")))
        {
            sessions.ChangeOwner(folder, owner.Uid, owner.Gid);
            using var session = sessions.OpenChild(folder);
            session.ChangeOwner(".claude", owner.Uid, owner.Gid);
            using var claude = session.OpenChild(".claude");
            foreach (var name in claude.List()) claude.ChangeOwner(name, owner.Uid, owner.Gid);
        }
    }

    /// <summary>
    /// Writes <c>current_tasks.json</c> and <c>available_groups.json</c> into <c>data/snapshots/&lt;folder&gt;</c>, a
    /// directory no container can write (it is mounted read-only), so plain file I/O is safe here.
    /// </summary>
    public void WriteSnapshots(string folder, bool isMain, Seq<ScheduledTask> tasks, Seq<AvailableGroup> groups)
    {
        var dir = SnapshotsDir(folder);
        EnsureHostDir(dir, PublicDir);
        ReplaceBeforeRun(Path.Combine(dir, Snapshots.TasksFile), Snapshots.Tasks(folder, isMain, tasks));
        ReplaceBeforeRun(Path.Combine(dir, Snapshots.GroupsFile), Snapshots.Groups(isMain, groups, IsoTimestamp.From(time.GetUtcNow())));
    }

    /// <summary>
    /// Writes a snapshot on the launch path. Renaming over an existing file makes ext4 (auto_da_alloc) flush the new
    /// file's data first, which took 10-20 ms under disk load (benchmarks/RESULTS.md); deleting the old one first
    /// avoids that. No agent of this group runs while its snapshots are written, so nobody sees the gap.
    /// </summary>
    private static void ReplaceBeforeRun(string path, string text)
    {
        var tmp = path + ".tmp";
        File.Delete(tmp);
        using (var f = new FileStream(tmp, CreateNew(PublicFile)))
            f.Write(Encoding.UTF8.GetBytes(text));
        File.Delete(path);
        File.Move(tmp, path);
    }

    /// <summary>O_CREAT|O_EXCL: never opens what is already there, a link included.</summary>
    private static FileStreamOptions CreateNew(UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        return options;
    }

    private static void EnsureHostDir(string path, UnixFileMode mode)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, mode);
    }

    /// <summary>Asks the group's running agent to finish: the empty <c>input/_close</c> file (random temp, then renameat).</summary>
    public void WriteCloseSentinel(string folder)
    {
        using var input = OpenInput(folder);
        input.WriteAtomically(CloseSentinel, [], PublicFile);
        if (agentOwner is { } owner) input.ChangeOwner(CloseSentinel, owner.Uid, owner.Gid);
    }

    /// <summary>Pipes a follow-up message to the group's running agent: <c>input/&lt;epoch ms&gt;-&lt;rand&gt;.json</c>.</summary>
    /// <returns>The file written.</returns>
    public string WriteInput(string folder, string text)
    {
        var name = $"{time.GetUtcNow().ToUnixTimeMilliseconds()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.json";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "message");
            w.WriteString("text", text);
            w.WriteEndObject();
        }
        using var input = OpenInput(folder);
        input.WriteAtomically(name, buffer.ToArray(), PublicFile);
        if (agentOwner is { } owner) input.ChangeOwner(name, owner.Uid, owner.Gid);
        return Path.Combine(InputDir(folder), name);
    }

    /// <summary>
    /// <c>data/ipc/&lt;folder&gt;/input</c> opened without following links. A link, FIFO or file the agent put there
    /// in place of the directory is removed (logged) and a real directory made; nothing outside is ever touched.
    /// </summary>
    private SafeDirectory OpenInput(string folder)
    {
        using var ipc = OpenAgentRoot(Path.Combine(dataDir, "ipc"), folder);
        return ChildDirectory(ipc, "input", "IPC directory");
    }

    /// <summary>
    /// Writes one run's log to <c>logs/runs/&lt;folder&gt;/container-&lt;ts&gt;.log</c> (host-only), created exclusively
    /// (a name already taken gets a suffix; an existing link is never followed).
    /// </summary>
    /// <returns>The file written.</returns>
    public string WriteRunLog(string folder, DateTimeOffset startedAt, string text)
    {
        var dir = RunLogDir(folder);
        EnsureHostDir(dir, (UnixFileMode)0b111_000_000);
        var baseName = RunLog.FileName(startedAt);
        for (var attempt = 0; ; attempt++)
        {
            var path = Path.Combine(dir, attempt == 0 ? baseName : baseName.Replace(".log", $"-{attempt}.log", StringComparison.Ordinal));
            try
            {
                using var f = new FileStream(path, CreateNew((UnixFileMode)0b110_000_000));
                f.Write(Encoding.UTF8.GetBytes(text));
                return path;
            }
            catch (IOException) when (attempt < 20 && (File.Exists(path) || new FileInfo(path).LinkTarget is not null))
            {
            }
        }
    }

    private static string Resolve(string baseDir, string folder) =>
        GroupFolder.ResolveUnder(baseDir, folder).Match(p => p, e => throw new ArgumentException(e, nameof(folder)));
}
