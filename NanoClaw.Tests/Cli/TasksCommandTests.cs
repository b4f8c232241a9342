using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Store;
using NanoClaw.Tests.Shell.Config;
using static LanguageExt.Prelude;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Tests.Cli;

/// <summary>
/// <c>nanoclaw tasks …</c> against a real store: the same authorisation as the agent tools (main may change any task,
/// a group only its own), exact exit codes, and a running daemon told through <c>data/store.changed</c>.
/// </summary>
public sealed class TasksCommandTests : IDisposable
{
    private const string FarFuture = "2099-01-01T09:00:00.000Z";
    private readonly CliProject project = new();

    public TasksCommandTests()
    {
        var store = project.Store();
        store.Groups.Upsert(new RegisteredGroup("15551234567@s.whatsapp.net", "Me", "main", "@Andy", "2026-01-01T00:00:00.000Z", None, false, true));
        store.Groups.Upsert(new RegisteredGroup("120363001@g.us", "Family", "family", "@Andy", "2026-01-02T00:00:00.000Z", None, true, false));
        store.Groups.Upsert(new RegisteredGroup("120363002@g.us", "Work", "work", "@Andy", "2026-01-03T00:00:00.000Z", None, true, false));
        store.Tasks.Create(Task("t-family", "family", "120363001@g.us", TaskStatus.Active, "Remind everyone\nabout dinner"));
        store.Tasks.Create(Task("t-work", "work", "120363002@g.us", TaskStatus.Paused, "Weekly report"));
        store.Tasks.Create(Task("t-done", "family", "120363001@g.us", TaskStatus.Completed, "One-off") with { NextRun = None });
    }

    private static ScheduledTask Task(string id, string folder, string jid, TaskStatus status, string prompt) =>
        new(id, folder, jid, prompt, ScheduleType.Cron, "0 9 * * 1", ContextMode.Isolated, None,
            Some(FarFuture), None, None, status, "2026-01-05T00:00:00.000Z");

    private ScheduledTask Stored(string id) => project.Store().Tasks.Get(id).Match(t => t, () => throw new Xunit.Sdk.XunitException($"{id} is gone"));

    private string SignalFile => Path.Combine(project.DataDir, "store.changed");

    [Fact]
    public void List_shows_every_task_in_one_line_each()
    {
        var result = project.Run("tasks", "list");

        Assert.Equal(0, result.ExitCode);
        var lines = result.StdOut.TrimEnd().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^ID\s+GROUP\s+STATUS\s+SCHEDULE\s+NEXT RUN\s+PROMPT", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^t-family\s+family\s+active\s+cron 0 9 \* \* 1\s+2099-01-01T09:00:00\.000Z\s+Remind everyone about dinner\s*$"));
        Assert.Contains(lines, l => l.StartsWith("t-work ") && l.Contains(" paused "));
        Assert.Contains(lines, l => l.StartsWith("t-done ") && l.Contains(" completed ") && l.Contains(" - "));
    }

    [Fact]
    public void List_for_one_group_shows_only_its_tasks()
    {
        var result = project.Run("tasks", "list", "--group", "work");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("t-work", result.StdOut);
        Assert.DoesNotContain("t-family", result.StdOut);
    }

    [Fact]
    public void List_with_an_invalid_folder_exits_1()
    {
        var result = project.Run("tasks", "list", "--group", "../etc");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("invalid folder name '../etc'", result.StdErr);
    }

    [Fact]
    public void Pause_and_resume_change_the_status_and_signal_the_daemon()
    {
        var pause = project.Run("tasks", "pause", "t-family");
        Assert.Equal((0, "Paused task t-family."), (pause.ExitCode, pause.StdOut.Trim()));
        Assert.Equal(TaskStatus.Paused, Stored("t-family").Status);
        Assert.True(File.Exists(SignalFile));

        var resume = project.Run("tasks", "resume", "t-family");
        Assert.Equal(0, resume.ExitCode);
        Assert.Equal(TaskStatus.Active, Stored("t-family").Status);
    }

    [Fact]
    public void Cancel_deletes_the_task_and_its_run_history()
    {
        project.Store().RunLogs.Log(new TaskRunLog("t-work", "2026-01-06T09:00:00.000Z", 1200, RunStatus.Success, Some("ok"), None));

        var result = project.Run("tasks", "cancel", "t-work");

        Assert.Equal(0, result.ExitCode);
        Assert.True(project.Store().Tasks.Get("t-work").IsNone);
        Assert.Equal(0L, StoreCount("task_run_logs"));
    }

    [Fact]
    public void Run_now_makes_an_active_task_due_now()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var result = project.Run("tasks", "run-now", "t-family");
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        Assert.Equal(0, result.ExitCode);
        var next = IsoTimestamp.Parse(Stored("t-family").NextRun.IfNone("")).Match(t => t, () => throw new Xunit.Sdk.XunitException("no next_run"));
        Assert.InRange(next, before, after);
        Assert.Equal(TaskStatus.Active, Stored("t-family").Status);
        Assert.True(File.Exists(SignalFile));
    }

    [Fact]
    public void Run_now_of_a_paused_task_says_to_resume_it_first()
    {
        var result = project.Run("tasks", "run-now", "t-work");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nanoclaw tasks resume t-work", result.StdErr);
        Assert.Equal(Some(FarFuture), Stored("t-work").NextRun);
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("cancel")]
    [InlineData("run-now")]
    public void An_unknown_task_exits_1(string verb)
    {
        var result = project.Run("tasks", verb, "t-nope");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("task 't-nope' not found", result.StdErr);
        Assert.False(NanoclawProcess.HasStackTrace(result.StdErr), result.StdErr);
    }

    [Fact]
    public void A_completed_task_cannot_be_paused()
    {
        var result = project.Run("tasks", "pause", "t-done");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("has completed", result.StdErr);
        Assert.Equal(TaskStatus.Completed, Stored("t-done").Status);
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("cancel")]
    [InlineData("run-now")]
    public void A_group_may_not_touch_another_groups_task(string verb)
    {
        var result = project.Run("tasks", verb, "t-family", "--as-group", "work");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refused: group 'work' may not", result.StdErr);
        Assert.Equal((TaskStatus.Active, Some(FarFuture)), (Stored("t-family").Status, Stored("t-family").NextRun));
        Assert.False(File.Exists(SignalFile));
    }

    [Fact]
    public void A_group_may_change_its_own_task_and_main_may_change_any()
    {
        Assert.Equal(0, project.Run("tasks", "pause", "t-family", "--as-group", "family").ExitCode);
        Assert.Equal(0, project.Run("tasks", "resume", "t-work", "--as-group", "main").ExitCode);
        Assert.Equal((TaskStatus.Paused, TaskStatus.Active), (Stored("t-family").Status, Stored("t-work").Status));
    }

    [Fact]
    public void An_invalid_acting_folder_exits_1()
    {
        var result = project.Run("tasks", "pause", "t-family", "--as-group", "../main");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("invalid folder name", result.StdErr);
    }

    [Theory]
    [InlineData("list")]
    [InlineData("pause")]
    public void Without_a_store_tasks_commands_exit_3_and_create_none(string verb)
    {
        using var empty = new CliProject();
        var result = verb == "list" ? empty.Run("tasks", "list") : empty.Run("tasks", verb, "t-family");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no store at", result.StdErr);
        Assert.False(File.Exists(empty.DatabasePath));
    }

    [Fact]
    public void A_bad_config_exits_2()
    {
        project.WithConfig("timezone: Mars/Olympus_Mons\n");
        var result = project.Run("tasks", "pause", "t-family");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(TaskStatus.Active, Stored("t-family").Status);
    }

    private long StoreCount(string table)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={project.DatabasePath};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {table}";
        return (long)cmd.ExecuteScalar()!;
    }

    public void Dispose() => project.Dispose();
}
