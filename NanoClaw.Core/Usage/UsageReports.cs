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
        Option<DateTimeOffset> since = default, Option<string> group = default) =>
        Summarize(turns, [], by, zone, since, group);

    /// <summary>
    /// As <see cref="Summarize(IEnumerable{UsageTurn}, UsageGrouping, TimeZoneInfo, Option{DateTimeOffset}, Option{string})"/>,
    /// with the credential proxy's counted responses: for a run the proxy counted (<see cref="UsageTurn.ProxyCounted"/>)
    /// the tokens are the proxy's (placed by when each response ended), and the agent's reports only give cost, round
    /// trips and API time; runs it did not count keep the agent's tokens. <see cref="UsageLine.Reported"/> keeps the
    /// agent's token sums either way.
    /// </summary>
    public static UsageReport Summarize(IEnumerable<UsageTurn> turns, IEnumerable<ProxyCall> calls, UsageGrouping by, TimeZoneInfo zone,
        Option<DateTimeOffset> since = default, Option<string> group = default)
    {
        bool Selected(DateTimeOffset at, string g) =>
            since.ForAll(s => at >= s) && group.ForAll(x => string.Equals(g, x, StringComparison.Ordinal));
        var selectedTurns = turns.Where(t => Selected(t.EndedAt, t.Group)).ToList();
        var selectedCalls = calls.Where(c => Selected(c.EndedAt, c.Group)).ToList();
        var turnsByKey = selectedTurns.ToLookup(t => KeyOf(t.EndedAt, t.Group, t.TaskId, by, zone), StringComparer.Ordinal);
        var callsByKey = selectedCalls.ToLookup(c => KeyOf(c.EndedAt, c.Group, c.TaskId, by, zone), StringComparer.Ordinal);
        var lines = turnsByKey.Select(g => g.Key).Concat(callsByKey.Select(g => g.Key))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(k => k, StringComparer.Ordinal)
            .Select(k => Line(k, turnsByKey[k].ToList(), callsByKey[k].ToList()))
            .ToSeq().Strict();
        return new UsageReport(lines, Line("total", selectedTurns, selectedCalls));
    }

    private static UsageLine Line(string key, IReadOnlyCollection<UsageTurn> turns, IReadOnlyCollection<ProxyCall> calls)
    {
        var reported = turns.Aggregate(TurnUsage.Zero, (sum, t) => Add(sum, t.Usage));
        var tokens = turns.Where(t => !t.ProxyCounted).Aggregate(ApiTokens.Zero, (sum, t) => sum + ApiTokens.Of(t.Usage))
                     + calls.Aggregate(ApiTokens.Zero, (sum, c) => sum + c.Tokens);
        var runs = turns.Select(t => t.RunId).Concat(calls.Select(c => c.RunId)).Distinct().Count();
        var usage = reported with
        {
            InputTokens = tokens.InputTokens,
            OutputTokens = tokens.OutputTokens,
            CacheCreationInputTokens = tokens.CacheCreationInputTokens,
            CacheReadInputTokens = tokens.CacheReadInputTokens,
        };
        var counted = turns.Where(t => t.ProxyCounted).Select(t => t.RunId).Concat(calls.Select(c => c.RunId)).Distinct().Count();
        return new UsageLine(key, runs, turns.Count, usage)
        {
            Reported = counted == 0 ? None : Some(ApiTokens.Of(reported)),
            ProxyCountedRuns = counted,
        };
    }

    private static string KeyOf(DateTimeOffset at, string group, Option<string> taskId, UsageGrouping by, TimeZoneInfo zone) => by switch
    {
        UsageGrouping.Day => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        UsageGrouping.Group => group,
        _ => taskId.IfNone(NoTask),
    };

    /// <summary>
    /// Runs the proxy counted whose agent reports say something else, oldest run first. Any difference is flagged: an
    /// honest runner's per-turn sums equal the API's <c>usage</c> exactly (both sum every model call), so a gap means a
    /// call the runner did not report (a run killed mid-turn, a call made around Claude Code) or a forged report.
    /// </summary>
    public static Seq<TokenMismatch> Mismatches(IEnumerable<RunTokens> runs) =>
        runs.OrderBy(r => r.RunId)
            .Choose(r => r.Proxy.Bind(proxy => Verdict(r.Reported, proxy)).Map(v => new TokenMismatch(r, v)))
            .ToSeq().Strict();

    private static Option<TokenVerdict> Verdict(ApiTokens reported, ApiTokens proxy) =>
        reported == proxy ? Option<TokenVerdict>.None
        : reported.Total > proxy.Total ? TokenVerdict.Over
        : reported.Total < proxy.Total ? TokenVerdict.Under
        : TokenVerdict.Differs;

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
