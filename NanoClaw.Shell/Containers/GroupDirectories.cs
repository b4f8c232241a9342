using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;

namespace NanoClaw.Shell.Containers;

/// <summary>
/// The host side of a group's files around a container run: its folder, its Claude session store, its IPC
/// directories, the snapshots and the input files (SPEC §7, §8). Paths are absolute.
/// </summary>
public sealed class GroupDirectories
{
    /// <summary>Name of the empty file asking the agent to finish.</summary>
    public const string CloseSentinel = "_close";

    private readonly string groupsDir;
    private readonly string dataDir;
    private readonly string skillsDir;
    private readonly TimeProvider time;
    private readonly bool giveToAgentUser;

    /// <summary>
    /// The uid/gid of the image's <c>node</c> user. When the daemon runs as root the container runs as this user
    /// (no <c>--user</c> mapping), so the directories it must write are handed to it.
    /// </summary>
    public const int AgentUserId = 1000;

    /// <param name="skillsDir">Where the container skills live (<c>container/skills</c>); may be missing.</param>
    public GroupDirectories(string groupsDir, string dataDir, string skillsDir, TimeProvider time)
    {
        this.groupsDir = Path.GetFullPath(groupsDir);
        this.dataDir = Path.GetFullPath(dataDir);
        this.skillsDir = Path.GetFullPath(skillsDir);
        this.time = time;
        giveToAgentUser = OperatingSystem.IsLinux() && HostUser.Current().Uid == 0;
    }

    /// <summary>The settings Claude Code reads in every group's session store (as NanoClaw writes it).</summary>
    public static string DefaultClaudeSettings =>
        """
        {
          "env": {
            "CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS": "1",
            "CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD": "1",
            "CLAUDE_CODE_DISABLE_AUTO_MEMORY": "0"
          }
        }

        """;

    /// <summary><c>groups/&lt;folder&gt;</c>.</summary>
    public string GroupDir(string folder) => Resolve(groupsDir, folder);

    /// <summary><c>data/ipc/&lt;folder&gt;</c>.</summary>
    public string IpcDir(string folder) => Resolve(Path.Combine(dataDir, "ipc"), folder);

    /// <summary><c>data/sessions/&lt;folder&gt;/.claude</c>.</summary>
    public string ClaudeDir(string folder) => Path.Combine(Resolve(Path.Combine(dataDir, "sessions"), folder), ".claude");

    /// <summary><c>data/ipc/&lt;folder&gt;/input</c>.</summary>
    public string InputDir(string folder) => Path.Combine(IpcDir(folder), "input");

    /// <summary>
    /// Creates what a run needs: the group folder with <c>logs/</c>, the IPC directories, and the session store with
    /// <c>settings.json</c> (only if missing: the user may have edited it) and a fresh copy of the skills.
    /// A stale <c>_close</c> from an earlier run is removed so the new agent does not stop at once, and so is stale
    /// input (the new prompt already carries every unanswered message).
    /// </summary>
    public void Prepare(string folder)
    {
        Directory.CreateDirectory(Path.Combine(GroupDir(folder), "logs"));
        foreach (var sub in new[] { "messages", "tasks", "input" }) Directory.CreateDirectory(Path.Combine(IpcDir(folder), sub));
        File.Delete(Path.Combine(InputDir(folder), CloseSentinel));
        // Input piped to an earlier agent that was already closing (or died) was never answered; the pipeline rolled
        // its cursor back and puts those messages in this run's prompt, so the leftover files would repeat them.
        foreach (var leftover in Directory.EnumerateFiles(InputDir(folder), "*.json*")) File.Delete(leftover);
        var claude = ClaudeDir(folder);
        Directory.CreateDirectory(claude);
        var settings = Path.Combine(claude, "settings.json");
        if (!File.Exists(settings)) WriteAtomically(settings, DefaultClaudeSettings);
        if (Directory.Exists(skillsDir))
        {
            foreach (var skill in Directory.EnumerateDirectories(skillsDir))
                CopyTree(skill, Path.Combine(claude, "skills", Path.GetFileName(skill)));
        }
        if (giveToAgentUser) GiveToAgentUser(folder);
    }

    /// <summary>
    /// A root daemon creates these directories as root (mode 755), where the container's <c>node</c> user could
    /// neither consume its input files nor write its session or memory. Hands the writable mounts and their
    /// top-level entries to that user. <c>lchown</c> never follows links, so a link the agent planted cannot
    /// make root give away a file outside its folders.
    /// </summary>
    private void GiveToAgentUser(string folder)
    {
        var group = GroupDir(folder);
        var ipc = IpcDir(folder);
        var claude = ClaudeDir(folder);
        var roots = new[] { group, Path.Combine(group, "logs"), ipc, Path.Combine(ipc, "messages"), Path.Combine(ipc, "tasks"),
            Path.Combine(ipc, "input"), Path.GetDirectoryName(claude)!, claude };
        foreach (var dir in roots) Chown(dir);
        foreach (var entry in Directory.EnumerateFileSystemEntries(group).Concat(Directory.EnumerateFileSystemEntries(claude))) Chown(entry);
    }

    private static void Chown(string path)
    {
        if (LChown(path, AgentUserId, AgentUserId) != 0)
            throw new IOException($"cannot hand {path} to the container user {AgentUserId}: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
    private static extern int LChown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);

    /// <summary>Writes <c>current_tasks.json</c> and <c>available_groups.json</c> into the group's IPC directory.</summary>
    public void WriteSnapshots(string folder, bool isMain, Seq<ScheduledTask> tasks, Seq<AvailableGroup> groups)
    {
        var ipc = IpcDir(folder);
        Directory.CreateDirectory(ipc);
        ReplaceBeforeRun(Path.Combine(ipc, Snapshots.TasksFile), Snapshots.Tasks(folder, isMain, tasks));
        ReplaceBeforeRun(Path.Combine(ipc, Snapshots.GroupsFile), Snapshots.Groups(isMain, groups, IsoTimestamp.From(time.GetUtcNow())));
    }

    /// <summary>
    /// Writes a snapshot on the launch path. Renaming over an existing file makes ext4 (auto_da_alloc) flush the new
    /// file's data first, which took 10-20 ms under disk load (benchmarks/RESULTS.md); deleting the old one first
    /// avoids that. No agent of this group runs while its snapshots are written, so nobody sees the gap.
    /// </summary>
    private static void ReplaceBeforeRun(string path, string text)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Delete(path);
        File.Move(tmp, path);
    }

    /// <summary>Asks the group's running agent to finish: the empty <c>input/_close</c> file.</summary>
    public void WriteCloseSentinel(string folder)
    {
        Directory.CreateDirectory(InputDir(folder));
        WriteAtomically(Path.Combine(InputDir(folder), CloseSentinel), "");
    }

    /// <summary>Pipes a follow-up message to the group's running agent: <c>input/&lt;epoch ms&gt;-&lt;rand&gt;.json</c>.</summary>
    /// <returns>The file written.</returns>
    public string WriteInput(string folder, string text)
    {
        var dir = InputDir(folder);
        Directory.CreateDirectory(dir);
        var name = $"{time.GetUtcNow().ToUnixTimeMilliseconds()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.json";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "message");
            w.WriteString("text", text);
            w.WriteEndObject();
        }
        var path = Path.Combine(dir, name);
        WriteAtomically(path, Encoding.UTF8.GetString(buffer.ToArray()));
        return path;
    }

    /// <summary>Writes <c>path.tmp</c> then renames it, so readers never see half a file.</summary>
    internal static void WriteAtomically(string path, string text)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }

    private static string Resolve(string baseDir, string folder) =>
        GroupFolder.ResolveUnder(baseDir, folder).Match(p => p, e => throw new ArgumentException(e, nameof(folder)));

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        foreach (var dir in Directory.EnumerateDirectories(from)) CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
