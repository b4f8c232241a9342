using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Scheduling;

/// <summary>
/// Caps on what a group may schedule (denial of wallet: an agent that asks for a task every millisecond, or for
/// thousands of tasks, spends the owner's API budget). Enforced where tasks enter: IPC requests and the CLI.
/// </summary>
/// <param name="MinInterval">Shortest spacing between two runs of one task: an interval, and the gap between
/// consecutive cron occurrences. <see cref="TimeSpan.Zero"/> means no minimum.</param>
/// <param name="MaxActivePerGroup">Most active tasks one group folder may have; 0 means no cap.</param>
public sealed record TaskLimits(TimeSpan MinInterval, int MaxActivePerGroup)
{
    /// <summary>The shipped defaults: runs at least 5 minutes apart, at most 50 active tasks per group.</summary>
    public static TaskLimits Default { get; } = new(TimeSpan.FromMinutes(5), 50);

    /// <summary>No limits at all.</summary>
    public static TaskLimits Unlimited { get; } = new(TimeSpan.Zero, 0);

    // How far ahead cron spacing is examined: every weekday and day boundary occurs in 8 days. Cron spacing that
    // differs only at month or year boundaries (e.g. "0,59 0,23 1,L * *") is not seen; such a task runs at most a
    // few times a month, which is not the flood this guards against.
    private static readonly TimeSpan CronHorizon = TimeSpan.FromDays(8);
    private const int MaxCronRunsExamined = 20_000;

    /// <summary>Refuses a schedule whose runs can come closer together than <see cref="MinInterval"/>.</summary>
    /// <param name="schedule">The validated schedule.</param>
    /// <param name="text">The schedule value as given, for the reason.</param>
    /// <param name="now">Where cron spacing is examined from.</param>
    /// <returns>Unit, or the reason (fit for a user or a model).</returns>
    public Either<string, Unit> CheckSpacing(Schedule schedule, string text, DateTimeOffset now)
    {
        if (MinInterval <= TimeSpan.Zero) return unit;
        return schedule switch
        {
            Schedule.IntervalSchedule i when i.Every < MinInterval =>
                $"interval '{text}' is shorter than the minimum of {(long)MinInterval.TotalMilliseconds} ms ({Describe(MinInterval)}) between runs",
            Schedule.CronSchedule c => CloseCronRuns(c, now).Match(
                pair => Left<string, Unit>($"cron '{text}' runs at {IsoTimestamp.From(pair.First)} and again at {IsoTimestamp.From(pair.Second)}, " +
                                           $"closer than the minimum of {Describe(MinInterval)} between runs"),
                () => Right<string, Unit>(unit)),
            _ => unit,
        };
    }

    /// <summary>Refuses one more active task in <paramref name="folder"/> when it already has <see cref="MaxActivePerGroup"/>.</summary>
    /// <param name="tasks">Every stored task.</param>
    /// <param name="folder">The group folder the task belongs to (compared regardless of case).</param>
    /// <param name="exceptTaskId">A task not to count (the one being resumed or re-activated).</param>
    public Either<string, Unit> CheckRoomFor(IEnumerable<ScheduledTask> tasks, string folder, string? exceptTaskId = null)
    {
        if (MaxActivePerGroup <= 0) return unit;
        var active = tasks.Count(t => t.Status == Domain.TaskStatus.Active && t.Id != exceptTaskId && GroupFolder.SameFolder(t.GroupFolder, folder));
        return active < MaxActivePerGroup
            ? unit
            : Left<string, Unit>($"group '{folder}' already has {active} active tasks, the most allowed ({MaxActivePerGroup}); cancel or pause one first");
    }

    private Option<(DateTimeOffset First, DateTimeOffset Second)> CloseCronRuns(Schedule.CronSchedule c, DateTimeOffset now)
    {
        var end = now + CronHorizon;
        DateTimeOffset? previous = null;
        var examined = 0;
        foreach (var run in c.Expression.GetOccurrences(now, end, c.Zone, fromInclusive: false, toInclusive: true))
        {
            if (previous is { } p && run - p < MinInterval) return (p.ToUniversalTime(), run.ToUniversalTime());
            previous = run;
            if (++examined >= MaxCronRunsExamined) break;
        }
        return None;
    }

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? $"{span.TotalHours:0} h"
        : span.TotalMinutes >= 1 && span.TotalMinutes == Math.Floor(span.TotalMinutes) ? $"{span.TotalMinutes:0} min"
        : span.TotalSeconds >= 1 && span.TotalSeconds == Math.Floor(span.TotalSeconds) ? $"{span.TotalSeconds:0} s"
        : $"{span.TotalMilliseconds:0} ms";
}
