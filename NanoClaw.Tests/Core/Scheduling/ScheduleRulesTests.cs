using NanoClaw.Core.Domain;
using NanoClaw.Core.Scheduling;

namespace NanoClaw.Tests.Core.Scheduling;

public class ScheduleRulesTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly DateTimeOffset Now = new(2026, 1, 31, 19, 32, 0, TimeSpan.Zero);

    private static Schedule Parse(ScheduleType type, string value) =>
        ScheduleRules.Parse(type, value, NewYork).IfLeft(r => throw new Xunit.Sdk.XunitException(r));

    [Fact]
    public void Interval_skips_missed_slots_keeping_its_phase()
    {
        var hourly = Parse(ScheduleType.Interval, "3600000");
        var scheduled = new DateTimeOffset(2026, 1, 31, 10, 15, 0, TimeSpan.Zero);
        // The daemon was down for hours: the next run is the next :15 after now, not now + 1h.
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 20, 15, 0, TimeSpan.Zero), ScheduleRules.NextRun(hourly, scheduled, Now));
    }

    [Fact]
    public void Interval_first_run_is_one_interval_from_now() =>
        Assert.Equal(Now.AddMinutes(5), ScheduleRules.FirstRun(Parse(ScheduleType.Interval, "300000"), Now));

    [Fact]
    public void Interval_longer_than_ten_years_is_refused() =>
        Assert.StartsWith("invalid interval", ScheduleRules.Parse(ScheduleType.Interval, (ScheduleRules.MaxIntervalMs + 1).ToString(), NewYork).Match(_ => "", r => r));

    [Fact]
    public void Interval_never_overflows_the_calendar() =>
        Assert.True(ScheduleRules.FirstRun(Parse(ScheduleType.Interval, ScheduleRules.MaxIntervalMs.ToString()), DateTimeOffset.MaxValue.AddDays(-1)).IsNone);

    [Fact]
    public void Cron_follows_daylight_saving_in_the_zone()
    {
        var nine = Parse(ScheduleType.Cron, "0 9 * * *");
        Assert.Equal(new DateTimeOffset(2026, 3, 7, 14, 0, 0, TimeSpan.Zero), ScheduleRules.FirstRun(nine, new DateTimeOffset(2026, 3, 7, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 13, 0, 0, TimeSpan.Zero), ScheduleRules.FirstRun(nine, new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void A_cron_slot_skipped_by_spring_forward_fires_at_the_transition() =>
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero), // 3:00 AM EDT, not a lost day
            ScheduleRules.FirstRun(Parse(ScheduleType.Cron, "15 2 * * *"), new DateTimeOffset(2026, 3, 8, 5, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void Once_is_completed_after_it_runs()
    {
        var once = Parse(ScheduleType.Once, "2026-02-01T15:30:00");
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 20, 30, 0, TimeSpan.Zero), ScheduleRules.FirstRun(once, Now));
        Assert.True(ScheduleRules.NextRun(once, Now, Now).IsNone);
    }
}
