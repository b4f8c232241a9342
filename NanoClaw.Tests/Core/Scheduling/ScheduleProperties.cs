using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Scheduling;

namespace NanoClaw.Tests.Core.Scheduling;

[Trait("Category", "Property")]
public class ScheduleProperties
{
    private static readonly TimeZoneInfo[] Zones =
        new[] { "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "UTC" }.Select(TimeZoneInfo.FindSystemTimeZoneById).ToArray();

    private static readonly DateTimeOffset Epoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Gen<DateTimeOffset> Instants =
        from seconds in Gen.Choose(0, 400_000_000)
        from ms in Gen.Choose(0, 999)
        select Epoch.AddSeconds(seconds).AddMilliseconds(ms);

    private static readonly Gen<long> IntervalsMs = Gen.OneOf(
        Gen.Choose(1, 1000).Select(i => (long)i),
        Gen.Choose(1, int.MaxValue).Select(i => (long)i),
        Gen.Choose(1, 3650).Select(days => days * 86_400_000L));

    [Property(MaxTest = 500)]
    public Property Interval_next_run_never_drifts_and_is_the_first_slot_after_now() =>
        Prop.ForAll((
            from ms in IntervalsMs
            from anchor in Instants
            from now in Instants
            select (ms, anchor, now)).ToArbitrary(),
            x =>
            {
                var schedule = ScheduleRules.Parse(ScheduleType.Interval, x.ms.ToString(), TimeZoneInfo.Utc).IfLeft(r => throw new Exception(r));
                var next = ScheduleRules.NextRun(schedule, x.anchor, x.now).IfNone(() => throw new Exception("no next run"));
                var every = TimeSpan.FromMilliseconds(x.ms);
                var offset = (next - x.anchor).Ticks;
                var onGrid = offset >= 0 && offset % every.Ticks == 0;
                var firstAfterNow = next > x.now && (next == x.anchor || next - every <= x.now);
                return onGrid && firstAfterNow;
            });

    private static readonly string[] Crons =
        ["* * * * *", "0 9 * * *", "30 7 * * 1-5", "0 0 1 * *", "15 2 * * *", "0 */6 * * *", "59 23 31 12 *", "0 12 29 2 *", "*/7 3 * 3,11 0"];

    [Property(MaxTest = 500)]
    public Property Cron_next_run_is_after_now_on_a_whole_minute_matching_the_local_clock() =>
        Prop.ForAll((
            from cron in Gen.Elements(Crons)
            from zone in Gen.Elements(Zones)
            from scheduled in Instants
            from now in Instants
            select (cron, zone, scheduled, now)).ToArbitrary(),
            x =>
            {
                var schedule = ScheduleRules.Parse(ScheduleType.Cron, x.cron, x.zone).IfLeft(r => throw new Exception(r));
                var first = ScheduleRules.FirstRun(schedule, x.now);
                var next = ScheduleRules.NextRun(schedule, x.scheduled, x.now);
                var minuteField = x.cron.Split(' ')[0];
                return first == next && next.ForAll(n =>
                    n > x.now && n.Second == 0 && n.Millisecond == 0 && n.Offset == TimeSpan.Zero
                    && (!int.TryParse(minuteField, out var minute)
                        || TimeZoneInfo.ConvertTime(n, x.zone).Minute == minute
                        // A slot skipped by clocks springing forward fires at the transition instead (Cronos' rule).
                        || x.zone.GetUtcOffset(n.AddHours(-1)) != x.zone.GetUtcOffset(n)));
            });

    [Property]
    public Property Once_never_runs_again() =>
        Prop.ForAll((from at in Instants from scheduled in Instants from now in Instants select (at, scheduled, now)).ToArbitrary(), x =>
        {
            var local = TimeZoneInfo.ConvertTime(x.at, Zones[0]).ToString("yyyy-MM-ddTHH:mm:ss");
            var schedule = ScheduleRules.Parse(ScheduleType.Once, local, Zones[0]).IfLeft(r => throw new Exception(r));
            return ScheduleRules.NextRun(schedule, x.scheduled, x.now).IsNone;
        });

    [Property(MaxTest = 500)]
    public Property Once_reads_local_wall_clock_time_in_the_zone() =>
        Prop.ForAll((from at in Instants from zone in Gen.Elements(Zones) select (at: new DateTimeOffset(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero), zone)).ToArbitrary(), x =>
        {
            var wall = TimeZoneInfo.ConvertTime(x.at, x.zone).DateTime;
            var schedule = ScheduleRules.Parse(ScheduleType.Once, wall.ToString("yyyy-MM-ddTHH:mm:ss"), x.zone).IfLeft(r => throw new Exception(r));
            var run = ScheduleRules.FirstRun(schedule, Epoch).IfNone(() => throw new Exception("no run"));
            // Ambiguous wall times (clocks going back) have two instants; either is a faithful reading.
            return TimeZoneInfo.ConvertTime(run, x.zone).DateTime == wall && (run == x.at || x.zone.IsAmbiguousTime(wall));
        });

    [Property(MaxTest = 300)]
    public Property Schedule_parsing_never_throws() =>
        Prop.ForAll((from type in Gen.Elements("cron", "interval", "once", "CRON", "weekly", "")
                     from value in Gen.OneOf(ArbMap.Default.GeneratorFor<string>(),
                         Gen.ListOf(Gen.Elements("*", "/", "-", ",", " ", "0", "5", "59", "60", "99999999999999999999", "L", "W", "#", "?", "T", ":", "Z", "+", "2026-02-30", "JAN", "MON"))
                             .Select(p => string.Concat(p)))
                     from zone in Gen.Elements(Zones)
                     select (type, value, zone)).ToArbitrary(),
            x =>
            {
                var parsed = ScheduleRules.Parse(x.type, x.value, x.zone);
                return parsed.Match(s => ScheduleRules.FirstRun(s, Epoch).IsSome || s is Schedule.CronSchedule, r => r.Length > 0);
            });
}
