using System.Globalization;
using System.Text.RegularExpressions;
using LanguageExt;
using NanoClaw.Core.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Usage;

/// <summary>The usage report's rules (pure): which turns count, how they are grouped and summed, what <c>--since</c> means.</summary>
public static partial class UsageReports
{
    /// <summary>The task key of turns that ran for chat messages.</summary>
    public const string NoTask = "(messages)";

    /// <summary>Adds two usages field by field.</summary>
    public static TurnUsage Add(TurnUsage a, TurnUsage b) => new(
        a.InputTokens + b.InputTokens, a.OutputTokens + b.OutputTokens,
        a.CacheCreationInputTokens + b.CacheCreationInputTokens, a.CacheReadInputTokens + b.CacheReadInputTokens,
        a.CostUsd + b.CostUsd, a.NumTurns + b.NumTurns, a.DurationApiMs + b.DurationApiMs);

    /// <summary>
    /// Selects the turns ended at or after <paramref name="since"/> (and of <paramref name="group"/> when given), groups
    /// them by <paramref name="by"/> and sums each line and the total.
    /// </summary>
    public static UsageReport Summarize(IEnumerable<UsageTurn> turns, UsageGrouping by, TimeZoneInfo zone,
        Option<DateTimeOffset> since = default, Option<string> group = default)
    {
        var selected = turns
            .Where(t => since.ForAll(s => t.EndedAt >= s))
            .Where(t => group.ForAll(g => string.Equals(t.Group, g, StringComparison.Ordinal)))
            .ToList();
        var lines = selected
            .GroupBy(t => KeyOf(t, by, zone), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Line(g.Key, g.ToList()))
            .ToSeq().Strict();
        return new UsageReport(lines, Line("total", selected));
    }

    private static UsageLine Line(string key, IReadOnlyCollection<UsageTurn> turns) =>
        new(key, turns.Select(t => t.RunId).Distinct().Count(), turns.Count, turns.Aggregate(TurnUsage.Zero, (sum, t) => Add(sum, t.Usage)));

    private static string KeyOf(UsageTurn turn, UsageGrouping by, TimeZoneInfo zone) => by switch
    {
        UsageGrouping.Day => TimeZoneInfo.ConvertTime(turn.EndedAt, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        UsageGrouping.Group => turn.Group,
        _ => turn.TaskId.IfNone(NoTask),
    };

    /// <summary>Reads <c>day</c>, <c>group</c> or <c>task</c>.</summary>
    public static Either<string, UsageGrouping> ParseGrouping(string text) => text.Trim().ToLowerInvariant() switch
    {
        "day" => UsageGrouping.Day,
        "group" => UsageGrouping.Group,
        "task" => UsageGrouping.Task,
        _ => Left<string, UsageGrouping>($"--by must be day, group or task, not '{text}'"),
    };

    /// <summary>
    /// Reads <c>--since</c>: an age (<c>30m</c>, <c>12h</c>, <c>7d</c>, <c>2w</c>) counted back from <paramref name="now"/>,
    /// or a date / timestamp (<c>2026-11-01</c>, midnight in <paramref name="zone"/>; <c>2026-11-01T08:00:00Z</c>).
    /// </summary>
    public static Either<string, DateTimeOffset> ParseSince(string text, DateTimeOffset now, TimeZoneInfo zone)
    {
        var trimmed = text.Trim();
        var age = AgePattern().Match(trimmed);
        if (age.Success && long.TryParse(age.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 100_000)
        {
            var span = age.Groups[2].Value switch
            {
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                _ => TimeSpan.FromDays(7 * n),
            };
            return now - span;
        }
        if (DateOnly.TryParseExact(trimmed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            return new DateTimeOffset(local, zone.GetUtcOffset(local));
        }
        if (trimmed.Contains('T') && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
            return instant;
        return $"--since must be an age such as 7d, 12h, 30m or 2w, or a date such as 2026-11-01, not '{text}'";
    }

    [GeneratedRegex("^([0-9]{1,6})([mhdw])$")]
    private static partial Regex AgePattern();
}
