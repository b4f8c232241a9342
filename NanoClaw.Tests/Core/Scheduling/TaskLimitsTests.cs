using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Ipc;
using NanoClaw.Core.Scheduling;
using NanoClaw.Tests.Core.Ipc;
using static LanguageExt.Prelude;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Tests.Core.Scheduling;

/// <summary>F12: minimum spacing of a task's runs and the cap on active tasks per group, in the core's IPC rules.</summary>
public class TaskLimitsTests
{
    private static readonly DateTimeOffset Now = IpcFixtures.Now;
    private static readonly TaskLimits Limits = TaskLimits.Default;

    private static Either<string, Unit> Spacing(ScheduleType type, string value) =>
        ScheduleRules.Parse(type, value, IpcFixtures.NewYork).Bind(s => Limits.CheckSpacing(s, value, Now));

    [Theory]
    [InlineData("1")]
    [InlineData("60000")]
    [InlineData("299999")]
    public void Intervals_shorter_than_the_minimum_are_refused(string ms) =>
        Assert.Equal($"interval '{ms}' is shorter than the minimum of 300000 ms (5 min) between runs", Spacing(ScheduleType.Interval, ms).Match(_ => "", r => r));

    [Theory]
    [InlineData(ScheduleType.Interval, "300000")]
    [InlineData(ScheduleType.Interval, "3600000")]
    [InlineData(ScheduleType.Cron, "*/5 * * * *")]
    [InlineData(ScheduleType.Cron, "0 9 * * 1-5")]
    [InlineData(ScheduleType.Cron, "0,30 * * * *")]
    [InlineData(ScheduleType.Once, "2026-02-01T15:30:00")]
    public void Schedules_at_least_the_minimum_apart_are_accepted(ScheduleType type, string value) =>
        Assert.True(Spacing(type, value).IsRight);

    [Theory]
    [InlineData("* * * * *")]
    [InlineData("*/2 * * * *")]
    [InlineData("0,1 9 * * *")]          // two runs a minute apart once a day
    [InlineData("58 23 * * *")]          // alone it is fine…
    public void Cron_runs_closer_than_the_minimum_are_refused_with_the_two_runs(string cron)
    {
        var result = Spacing(ScheduleType.Cron, cron);
        if (cron == "58 23 * * *")
        {
            Assert.True(result.IsRight);
            return;
        }
        var reason = result.Match(_ => "accepted", r => r);
        Assert.StartsWith($"cron '{cron}' runs at ", reason);
        Assert.EndsWith("closer than the minimum of 5 min between runs", reason);
    }

    [Fact]
    public void A_cron_whose_close_runs_straddle_midnight_is_refused() =>
        Assert.True(Spacing(ScheduleType.Cron, "0,58 0,23 * * *").IsLeft); // 23:58 then 00:00

    [Fact]
    public void No_minimum_and_no_cap_accept_anything()
    {
        var schedule = ScheduleRules.Parse(ScheduleType.Cron, "* * * * *", TimeZoneInfo.Utc).IfLeft(_ => throw new InvalidOperationException());
        Assert.True(TaskLimits.Unlimited.CheckSpacing(schedule, "* * * * *", Now).IsRight);
        Assert.True(TaskLimits.Unlimited.CheckRoomFor(Enumerable.Repeat(IpcFixtures.Task("t", "family", IpcFixtures.FamilyJid), 1000), "family").IsRight);
    }

    // ---- through the IPC rules ----

    private static Map<string, ScheduledTask> ActiveTasks(string folder, string jid, int count, TaskStatus status = TaskStatus.Active) =>
        toMap(Enumerable.Range(0, count).Select(i => ($"{folder}-{i}", IpcFixtures.Task($"{folder}-{i}", folder, jid, status))));

    private static IpcContext Context(string source, Map<string, ScheduledTask> tasks, TaskLimits? limits = null) =>
        IpcFixtures.Context(source) with { TasksById = tasks, Limits = limits ?? new TaskLimits(TimeSpan.FromMinutes(5), 3) };

    private static IpcRequest.ScheduleTask Schedule(string jid, ScheduleType type = ScheduleType.Interval, string value = "3600000") =>
        new("p", type, value, ContextMode.Isolated, jid, None);

    [Fact]
    public void A_group_at_its_cap_cannot_schedule_another_task_but_other_groups_can()
    {
        var tasks = ActiveTasks("family", IpcFixtures.FamilyJid, 3);
        Assert.Equal("refused: group 'family' already has 3 active tasks, the most allowed (3); cancel or pause one first",
            IpcAuthorizer.Authorize(Context("family", tasks), Schedule(IpcFixtures.FamilyJid)).Match(_ => "", r => r));
        // Main is held to the same cap for that group, and is free for another.
        Assert.True(IpcAuthorizer.Authorize(Context("main", tasks), Schedule(IpcFixtures.FamilyJid)).IsLeft);
        Assert.True(IpcAuthorizer.Authorize(Context("work", tasks), Schedule(IpcFixtures.WorkJid)).IsRight);
    }

    [Fact]
    public void Paused_and_completed_tasks_do_not_count_but_resuming_one_past_the_cap_is_refused()
    {
        var tasks = ActiveTasks("family", IpcFixtures.FamilyJid, 3).AddRange(ActiveTasks("fam-paused", IpcFixtures.FamilyJid, 2, TaskStatus.Paused)
            .Map(t => t with { GroupFolder = "family" }).Pairs);
        Assert.Equal("refused: group 'family' already has 3 active tasks, the most allowed (3); cancel or pause one first",
            IpcAuthorizer.Authorize(Context("family", tasks), new IpcRequest.ResumeTask("fam-paused-0")).Match(_ => "", r => r));
        // With room, resuming is fine; resuming an active task counts nothing twice.
        Assert.True(IpcAuthorizer.Authorize(Context("family", tasks.Remove("family-0")), new IpcRequest.ResumeTask("fam-paused-0")).IsRight);
        Assert.True(IpcAuthorizer.Authorize(Context("family", tasks), new IpcRequest.ResumeTask("family-1")).IsRight);
    }

    [Fact]
    public void Too_frequent_schedules_are_refused_on_create_and_on_update()
    {
        var ctx = Context("family", IpcFixtures.Tasks);
        Assert.Equal("refused: interval '1' is shorter than the minimum of 300000 ms (5 min) between runs",
            IpcAuthorizer.Authorize(ctx, Schedule(IpcFixtures.FamilyJid, value: "1")).Match(_ => "", r => r));
        Assert.StartsWith("refused: cron '* * * * *' runs at ",
            IpcAuthorizer.Authorize(ctx, Schedule(IpcFixtures.FamilyJid, ScheduleType.Cron, "* * * * *")).Match(_ => "", r => r));
        Assert.StartsWith("refused: interval '1000' is shorter",
            IpcAuthorizer.Authorize(ctx, new IpcRequest.UpdateTask("t-family", None, Some(ScheduleType.Interval), Some("1000"))).Match(_ => "", r => r));
        Assert.True(IpcAuthorizer.Authorize(ctx with { Limits = TaskLimits.Unlimited }, Schedule(IpcFixtures.FamilyJid, value: "1")).IsRight);
    }
}
