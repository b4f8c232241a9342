using System.Globalization;
using Cronos;
using LanguageExt;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Scheduling;

/// <summary>A validated schedule: what a task's <c>schedule_type</c> and <c>schedule_value</c> mean.</summary>
public abstract record Schedule
{
    private Schedule() { }

    /// <summary>A five-field cron expression evaluated in a time zone.</summary>
    public sealed record CronSchedule(CronExpression Expression, TimeZoneInfo Zone) : Schedule;

    /// <summary>A fixed interval.</summary>
    public sealed record IntervalSchedule(TimeSpan Every) : Schedule;

    /// <summary>A single instant.</summary>
    public sealed record OnceSchedule(DateTimeOffset At) : Schedule;
}

/// <summary>Parsing, validation and next-run arithmetic for task schedules. Pure: "now" is always a parameter.</summary>
public static class ScheduleRules
{
    /// <summary>Reads <c>cron</c>, <c>interval</c> or <c>once</c> (case-insensitive).</summary>
    public static Either<string, ScheduleType> ParseType(string? text) =>
        text?.Trim().ToLowerInvariant() switch
        {
            "cron" => ScheduleType.Cron,
            "interval" => ScheduleType.Interval,
            "once" => ScheduleType.Once,
            _ => Left<string, ScheduleType>($"schedule_type must be cron, interval or once, not '{text}'"),
        };

    /// <summary>Wire name of a schedule type, as stored in SQLite.</summary>
    public static string Name(ScheduleType type) => type switch
    {
        ScheduleType.Cron => "cron",
        ScheduleType.Interval => "interval",
        _ => "once",
    };

    /// <summary>Validates a schedule value for its type, reading cron and once values in <paramref name="zone"/>.</summary>
    /// <returns>The schedule, or a reason fit to show to a user or a model.</returns>
    public static Either<string, Schedule> Parse(ScheduleType type, string? value, TimeZoneInfo zone)
    {
        var text = value?.Trim() ?? "";
        return type switch
        {
            ScheduleType.Cron => ParseCron(text, zone),
            ScheduleType.Interval => ParseInterval(text),
            _ => ParseOnce(text, zone),
        };
    }

    /// <summary>Validates a type name and value together.</summary>
    public static Either<string, Schedule> Parse(string? type, string? value, TimeZoneInfo zone) =>
        ParseType(type).Bind(t => Parse(t, value, zone));

    private static Either<string, Schedule> ParseCron(string text, TimeZoneInfo zone)
    {
        if (text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 5)
            return $"invalid cron expression '{text}': expected 5 fields (minute hour day month weekday)";
        try
        {
            return new Schedule.CronSchedule(CronExpression.Parse(text, CronFormat.Standard), zone);
        }
        catch (CronFormatException e)
        {
            return $"invalid cron expression '{text}': {e.Message}";
        }
    }

    /// <summary>Longest interval accepted: ten years, in milliseconds (longer ones are surely mistakes, and overflow dates).</summary>
    public const long MaxIntervalMs = 10L * 366 * 24 * 60 * 60 * 1000;

    private static Either<string, Schedule> ParseInterval(string text) =>
        !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms <= 0
            ? Left<string, Schedule>($"invalid interval '{text}': expected a positive number of milliseconds")
            : ms > MaxIntervalMs
                ? Left<string, Schedule>($"invalid interval '{text}': at most {MaxIntervalMs} milliseconds (ten years)")
                : new Schedule.IntervalSchedule(TimeSpan.FromMilliseconds(ms));

    private static readonly string[] OnceFormats =
        ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss.fff", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"];

    private static Either<string, Schedule> ParseOnce(string text, TimeZoneInfo zone)
    {
        if (text.EndsWith('Z') || text.EndsWith('z') || HasOffsetSuffix(text))
            return $"invalid once timestamp '{text}': give local time without a zone suffix, e.g. 2026-02-01T15:30:00";
        if (!DateTime.TryParseExact(text, OnceFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return $"invalid once timestamp '{text}': expected local time like 2026-02-01T15:30:00";
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var offset = zone.IsInvalidTime(unspecified) ? zone.BaseUtcOffset : zone.GetUtcOffset(unspecified);
        return new Schedule.OnceSchedule(new DateTimeOffset(unspecified, offset).ToUniversalTime());
    }

    private static bool HasOffsetSuffix(string text)
    {
        var t = text.IndexOf('T') >= 0 ? text[(text.IndexOf('T') + 1)..] : "";
        return t.Contains('+') || t.Contains('-');
    }

    /// <summary>When a newly created task first runs. Cron: next occurrence after <paramref name="now"/>; interval: now + interval; once: its instant.</summary>
    public static Option<DateTimeOffset> FirstRun(Schedule schedule, DateTimeOffset now) => schedule switch
    {
        Schedule.CronSchedule c => NextCron(c, now),
        Schedule.IntervalSchedule i => Add(now, i.Every),
        Schedule.OnceSchedule o => Some(o.At),
        _ => None,
    };

    /// <summary>
    /// The run after one that was scheduled for <paramref name="scheduledFor"/> and finished at <paramref name="now"/>.
    /// Cron: next occurrence after now. Interval: the first slot <c>scheduledFor + k·interval</c> after now, so
    /// missed slots are skipped and the phase never drifts. Once: none (the task completes).
    /// </summary>
    public static Option<DateTimeOffset> NextRun(Schedule schedule, DateTimeOffset scheduledFor, DateTimeOffset now) => schedule switch
    {
        Schedule.CronSchedule c => NextCron(c, now),
        Schedule.IntervalSchedule i => NextSlot(scheduledFor, i.Every, now),
        _ => None,
    };

    private static Option<DateTimeOffset> NextSlot(DateTimeOffset anchor, TimeSpan every, DateTimeOffset now)
    {
        if (every <= TimeSpan.Zero) return None;
        if (anchor > now) return anchor;
        var elapsed = (now - anchor).Ticks;
        var steps = elapsed / every.Ticks + 1;
        // steps * every is at most elapsed + every, which cannot overflow for instants DateTimeOffset can hold.
        return Add(anchor, TimeSpan.FromTicks(steps * every.Ticks));
    }

    // Date arithmetic that stays total: none instead of an exception past year 9999.
    private static Option<DateTimeOffset> Add(DateTimeOffset instant, TimeSpan span) =>
        span.Ticks <= DateTimeOffset.MaxValue.UtcTicks - instant.UtcTicks ? Some(instant + span) : None;

    private static Option<DateTimeOffset> NextCron(Schedule.CronSchedule c, DateTimeOffset now) =>
        Optional(c.Expression.GetNextOccurrence(now, c.Zone)).Map(d => d.ToUniversalTime());
}
