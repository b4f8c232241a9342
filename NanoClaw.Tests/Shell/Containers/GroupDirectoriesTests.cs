using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using NanoClaw.Shell.Containers;

namespace NanoClaw.Tests.Shell.Containers;

public sealed class GroupDirectoriesTests : IDisposable
{
    private readonly TempProject project = new();
    private readonly FakeTimeProvider time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));

    public void Dispose() => project.Dispose();

    private string RunLogs => Path.Combine(project.Root, "logs", "runs");

    private GroupDirectories Dirs() => new(project.Groups, project.Data, RunLogs, time);

    [Fact]
    public void Prepare_creates_the_agent_dirs_and_the_host_only_snapshot_dir_and_writes_nothing_into_the_session_store()
    {
        var dirs = Dirs();
        dirs.Prepare("fam");
        var claude = Path.Combine(project.Data, "sessions", "fam", ".claude");
        Assert.True(Directory.Exists(Path.Combine(project.Groups, "fam")));
        foreach (var sub in new[] { "messages", "tasks", "input" }) Assert.True(Directory.Exists(Path.Combine(project.Data, "ipc", "fam", sub)));
        Assert.True(Directory.Exists(Path.Combine(project.Data, "snapshots", "fam")));
        // Only the (empty) mount point of the read-only skills: settings come with --settings, skills with a ro mount.
        Assert.Equal(["skills"], Directory.GetFileSystemEntries(claude).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(claude, "skills")));
        Assert.Empty(Directory.GetFileSystemEntries(dirs.EmptyDir));

        File.WriteAllText(Path.Combine(claude, "settings.json"), "{\"edited\":true}");
        dirs.WriteCloseSentinel("fam");
        dirs.WriteInput("fam", "left over");
        dirs.Prepare("fam");
        Assert.Equal("{\"edited\":true}", File.ReadAllText(Path.Combine(claude, "settings.json")));
        Assert.False(File.Exists(Path.Combine(project.Data, "ipc", "fam", "input", "_close")), "a stale _close would stop the next agent at once");
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(project.Data, "ipc", "fam", "input")));
    }

    [Fact]
    public void Snapshots_go_to_the_host_only_directory_replace_the_previous_ones_and_leave_no_temporary_file()
    {
        var dirs = Dirs();
        var task = new NanoClaw.Core.Domain.ScheduledTask("t1", "fam", "fam@g.us", "report", NanoClaw.Core.Domain.ScheduleType.Interval, "60000",
            NanoClaw.Core.Domain.ContextMode.Group, LanguageExt.Prelude.None, LanguageExt.Prelude.Some("2026-01-31T15:00:00.000Z"),
            LanguageExt.Prelude.None, LanguageExt.Prelude.None, NanoClaw.Core.Domain.TaskStatus.Active, "2026-01-01T00:00:00.000Z");
        var snapshots = Path.Combine(project.Data, "snapshots", "fam");
        dirs.WriteSnapshots("fam", false, LanguageExt.Prelude.Seq1(task), LanguageExt.Seq<NanoClaw.Core.Containers.AvailableGroup>.Empty);
        Assert.Equal("t1", JsonDocument.Parse(File.ReadAllText(Path.Combine(snapshots, "current_tasks.json"))).RootElement[0].GetProperty("id").GetString());

        dirs.WriteSnapshots("fam", false, LanguageExt.Seq<NanoClaw.Core.Domain.ScheduledTask>.Empty, LanguageExt.Seq<NanoClaw.Core.Containers.AvailableGroup>.Empty);
        Assert.Equal(0, JsonDocument.Parse(File.ReadAllText(Path.Combine(snapshots, "current_tasks.json"))).RootElement.GetArrayLength());
        Assert.True(File.Exists(Path.Combine(snapshots, "available_groups.json")));
        Assert.Empty(Directory.GetFiles(snapshots, "*.tmp"));
        Assert.False(Directory.Exists(Path.Combine(project.Data, "ipc", "fam")), "nothing the agent only reads lands in its IPC directory");
    }

    [Fact]
    public void Input_files_and_the_close_sentinel_are_written_whole()
    {
        var dirs = Dirs();
        var path = dirs.WriteInput("fam", "follow-up \"quoted\" ✓");
        dirs.WriteCloseSentinel("fam");
        var input = Path.Combine(project.Data, "ipc", "fam", "input");

        Assert.Matches(@"^1700000000123-[0-9a-f]{8}\.json$", Path.GetFileName(path));
        var json = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        Assert.Equal("message", json.GetProperty("type").GetString());
        Assert.Equal("follow-up \"quoted\" ✓", json.GetProperty("text").GetString());
        Assert.Equal(0, new FileInfo(Path.Combine(input, "_close")).Length);
        Assert.Equal(2, Directory.GetFileSystemEntries(input).Length);
    }

    [Fact]
    public void Run_logs_go_to_the_host_only_run_log_directory_and_a_taken_name_is_never_overwritten()
    {
        var dirs = Dirs();
        var at = time.GetUtcNow();
        var first = dirs.WriteRunLog("fam", at, "first");
        var second = dirs.WriteRunLog("fam", at, "second");

        Assert.Equal(Path.Combine(RunLogs, "fam"), Path.GetDirectoryName(first));
        Assert.NotEqual(first, second);
        Assert.Equal("first", File.ReadAllText(first));
        Assert.Equal("second", File.ReadAllText(second));
        Assert.False(Directory.Exists(Path.Combine(project.Groups, "fam", "logs")));
    }

    [Fact]
    [Trait("Category", "Sandbox")]
    public void A_root_daemon_hands_the_writable_mounts_to_the_agent_uid_without_following_planted_links()
    {
        // As root: the dedicated agent uid. Otherwise chown to oneself is all that is allowed, which still shows the
        // calls go to the right entries and never through a link.
        var uid = (int)Mono.Unix.Native.Syscall.getuid();
        var owner = uid == 0 ? (59999, 59999) : (uid, (int)Mono.Unix.Native.Syscall.getgid());
        var dirs = new GroupDirectories(project.Groups, project.Data, RunLogs, time, agentOwner: owner);
        dirs.Prepare("fam");
        var victim = Path.Combine(project.Outside, "victim.txt");
        File.WriteAllText(victim, "victim");
        var victimOwner = Owner(victim);
        File.CreateSymbolicLink(Path.Combine(project.Groups, "fam", "planted"), victim);
        File.CreateSymbolicLink(Path.Combine(project.Data, "sessions", "fam", ".claude", "planted"), victim);

        dirs.Prepare("fam");
        var input = dirs.WriteInput("fam", "hi");
        dirs.WriteCloseSentinel("fam");

        Assert.Equal(victimOwner, Owner(victim));
        foreach (var path in new[]
                 {
                     Path.Combine(project.Groups, "fam"), Path.Combine(project.Data, "ipc", "fam"), Path.Combine(project.Data, "ipc", "fam", "input"),
                     Path.Combine(project.Data, "ipc", "fam", "messages"), Path.Combine(project.Data, "ipc", "fam", "tasks"),
                     Path.Combine(project.Data, "sessions", "fam", ".claude"), input, Path.Combine(project.Data, "ipc", "fam", "input", "_close"),
                 })
            Assert.Equal(owner, Owner(path));
        // Host-only places stay the daemon's.
        Assert.Equal(uid, Owner(Path.Combine(project.Data, "snapshots", "fam")).Item1);
    }

    private static (int, int) Owner(string path)
    {
        Assert.Equal(0, Mono.Unix.Native.Syscall.lstat(path, out var st));
        return ((int)st.st_uid, (int)st.st_gid);
    }
}
