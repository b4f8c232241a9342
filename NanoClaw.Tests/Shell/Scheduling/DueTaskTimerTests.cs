using LanguageExt;
using Microsoft.Extensions.Time.Testing;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Scheduling;
using Serilog;
using static LanguageExt.Prelude;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Tests.Shell.Scheduling;

public sealed class DueTaskTimerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static ScheduledTask Task(string id, DateTimeOffset next, TaskStatus status = TaskStatus.Active) =>
        new(id, "family", "1@g.us", "p", ScheduleType.Once, "x", ContextMode.Isolated, None,
            Some(IsoTimestamp.From(next)), None, None, status, IsoTimestamp.From(Start));

    [Fact]
    public void A_task_fires_at_its_due_time_not_at_the_next_poll()
    {
        var clock = new FakeTimeProvider(Start);
        var tasks = new List<ScheduledTask> { Task("t1", Start.AddSeconds(30)) };
        var fired = new List<(string, DateTimeOffset)>();
        using var timer = new DueTaskTimer(clock, () => tasks, t => fired.Add((t.Id, clock.GetUtcNow())), TimeSpan.FromMinutes(1), Serilog.Core.Logger.None);
        timer.Rearm();
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(fired);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([("t1", Start.AddSeconds(30))], fired);
    }

    [Fact]
    public void A_task_due_beyond_the_longest_timer_does_not_crash_the_daemon()
    {
        // The real clock's timers refuse waits over 2^32-2 ms (~49.7 days); a task due in 2099 used to throw here.
        var far = Task("far", DateTimeOffset.UtcNow.AddYears(70));
        var fired = new List<string>();
        using var timer = new DueTaskTimer(TimeProvider.System, () => [far], t => fired.Add(t.Id), TimeSpan.FromMinutes(1), Serilog.Core.Logger.None);
        timer.Rearm();
        Assert.Empty(fired);
    }

    [Fact]
    public void Timer_poll_and_rearm_overlapping_hand_out_each_scheduled_run_once()
    {
        var clock = new FakeTimeProvider(Start);
        var tasks = new List<ScheduledTask> { Task("t1", Start.AddSeconds(60)), Task("t2", Start.AddSeconds(60)) };
        var fired = new List<string>();
        using var timer = new DueTaskTimer(clock, () => tasks, t => fired.Add(t.Id), TimeSpan.FromSeconds(60), Serilog.Core.Logger.None);
        timer.Rearm();
        clock.Advance(TimeSpan.FromSeconds(60)); // timer and poll both fire here
        timer.Rearm();
        clock.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal(["t1", "t2"], fired.Order());

        // Once the run moves next_run on, the new slot fires once.
        tasks[0] = Task("t1", clock.GetUtcNow().AddSeconds(10));
        timer.Rearm();
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["t1", "t1", "t2"], fired.Order());
    }

    [Fact]
    public void Paused_tasks_and_tasks_without_next_run_never_fire()
    {
        var clock = new FakeTimeProvider(Start);
        var tasks = new List<ScheduledTask>
        {
            Task("paused", Start.AddSeconds(1), TaskStatus.Paused),
            Task("done", Start.AddSeconds(1)) with { NextRun = None },
        };
        var fired = new List<string>();
        using var timer = new DueTaskTimer(clock, () => tasks, t => fired.Add(t.Id), TimeSpan.FromSeconds(5), Serilog.Core.Logger.None);
        timer.Rearm();
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(fired);
    }
}
