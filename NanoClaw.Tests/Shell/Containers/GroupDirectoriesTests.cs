using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using NanoClaw.Shell.Containers;
using NanoClaw.Tests.Shell.Containers;

namespace NanoClaw.Tests.Shell.Containers;

public sealed class GroupDirectoriesTests : IDisposable
{
    private readonly TempProject project = new();
    private readonly FakeTimeProvider time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));

    public void Dispose() => project.Dispose();

    private GroupDirectories Dirs() => new(project.Groups, project.Data, Path.Combine(project.Root, "container", "skills"), time);

    [Fact]
    public void Prepare_creates_ipc_dirs_settings_and_skills_and_keeps_edited_settings()
    {
        var dirs = Dirs();
        dirs.Prepare("fam");
        var claude = Path.Combine(project.Data, "sessions", "fam", ".claude");
        var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(claude, "settings.json"))).RootElement.GetProperty("env");
        Assert.Equal("1", settings.GetProperty("CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS").GetString());
        Assert.Equal("1", settings.GetProperty("CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD").GetString());
        Assert.Equal("0", settings.GetProperty("CLAUDE_CODE_DISABLE_AUTO_MEMORY").GetString());
        Assert.Equal("# demo skill\n", File.ReadAllText(Path.Combine(claude, "skills", "demo-skill", "SKILL.md")));
        foreach (var sub in new[] { "messages", "tasks", "input" }) Assert.True(Directory.Exists(Path.Combine(project.Data, "ipc", "fam", sub)));
        Assert.True(Directory.Exists(Path.Combine(project.Groups, "fam", "logs")));

        File.WriteAllText(Path.Combine(claude, "settings.json"), "{\"edited\":true}");
        dirs.WriteCloseSentinel("fam");
        dirs.Prepare("fam");
        Assert.Equal("{\"edited\":true}", File.ReadAllText(Path.Combine(claude, "settings.json")));
        Assert.False(File.Exists(Path.Combine(project.Data, "ipc", "fam", "input", "_close")), "a stale _close would stop the next agent at once");
    }

    [Fact]
    public void Snapshots_written_again_replace_the_previous_ones_and_leave_no_temporary_file()
    {
        var dirs = Dirs();
        var task = new NanoClaw.Core.Domain.ScheduledTask("t1", "fam", "fam@g.us", "report", NanoClaw.Core.Domain.ScheduleType.Interval, "60000",
            NanoClaw.Core.Domain.ContextMode.Group, LanguageExt.Prelude.None, LanguageExt.Prelude.Some("2026-01-31T15:00:00.000Z"),
            LanguageExt.Prelude.None, LanguageExt.Prelude.None, NanoClaw.Core.Domain.TaskStatus.Active, "2026-01-01T00:00:00.000Z");
        var ipc = Path.Combine(project.Data, "ipc", "fam");
        dirs.WriteSnapshots("fam", false, LanguageExt.Prelude.Seq1(task), LanguageExt.Seq<NanoClaw.Core.Containers.AvailableGroup>.Empty);
        Assert.Equal("t1", JsonDocument.Parse(File.ReadAllText(Path.Combine(ipc, "current_tasks.json"))).RootElement[0].GetProperty("id").GetString());

        dirs.WriteSnapshots("fam", false, LanguageExt.Seq<NanoClaw.Core.Domain.ScheduledTask>.Empty, LanguageExt.Seq<NanoClaw.Core.Containers.AvailableGroup>.Empty);
        Assert.Equal(0, JsonDocument.Parse(File.ReadAllText(Path.Combine(ipc, "current_tasks.json"))).RootElement.GetArrayLength());
        Assert.True(File.Exists(Path.Combine(ipc, "available_groups.json")));
        Assert.Empty(Directory.GetFiles(ipc, "*.tmp"));
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
        Assert.Empty(Directory.GetFiles(input, "*.tmp"));
    }
}
