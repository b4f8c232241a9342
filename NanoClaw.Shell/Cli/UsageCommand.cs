using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LanguageExt;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Usage;
using NanoClaw.Shell.Config;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Cli;

/// <summary>
/// <c>nanoclaw usage [--since 7d] [--group F] [--by day|group|task] [--json]</c>: tokens and cost per day, group or task,
/// from the store's usage tables; the totals are computed by <see cref="UsageReports"/>.
/// </summary>
public static class UsageCommand
{
    private const string ExitCodes = "Exit codes: 0 ok, 1 bad option, 2 bad config, 3 no store";

    public static Command Build()
    {
        var since = new System.CommandLine.Option<string>("--since")
        {
            Description = "Only turns since then: an age (30m, 12h, 7d, 2w) or a date (2026-11-01, midnight in the configured zone)",
            DefaultValueFactory = _ => "7d",
        };
        var group = new System.CommandLine.Option<string?>("--group") { Description = "Only this group (its folder name)" };
        var by = new System.CommandLine.Option<string>("--by") { Description = "One line per day, group or task", DefaultValueFactory = _ => "day" };
        var json = new System.CommandLine.Option<bool>("--json") { Description = "Print JSON for scripts instead of a table" };
        var command = new Command("usage", "Tokens and cost of the agents' turns: tokens as the credential proxy counted them where it did, " +
            "else as Claude Code reported them; cost as Claude Code reported it. Runs whose report differs from the proxy's count are listed. " + ExitCodes);
        command.Options.Add(since);
        command.Options.Add(group);
        command.Options.Add(by);
        command.Options.Add(json);
        command.SetAction(parse => ShellContext.Run(parse, "usage", logToFile: false, context =>
        {
            var now = TimeProvider.System.GetUtcNow();
            var folder = parse.GetValue(group);
            var groupCheck = folder is null ? Right<string, Unit>(unit) : GroupFolder.Validate(folder).Map(_ => unit);
            var byText = parse.GetValue(by)!;
            var sinceText = parse.GetValue(since)!;
            var request =
                from g in UsageReports.ParseGrouping(byText)
                from s in UsageReports.ParseSince(sinceText, now, context.TimeZone)
                from valid in groupCheck
                select (g, s);
            if (request.Case is string problem)
            {
                Console.Error.WriteLine($"nanoclaw usage: {problem}");
                return CliExit.Error;
            }
            var (grouping, start) = ((UsageGrouping, DateTimeOffset))request.Case!;
            if (ExistingStore.Open(context, "usage") is not { } store) return CliExit.MissingStore;
            var report = UsageReports.Summarize(store.Usage.Turns(Some(start), Optional(folder)), store.Usage.ProxyCalls(Some(start), Optional(folder)),
                grouping, context.TimeZone, Some(start), Optional(folder));
            var mismatches = UsageReports.Mismatches(store.Usage.RunTokenTotals(Some(start), Optional(folder)));
            Console.Out.Write(parse.GetValue(json) ? Json(report, grouping, start, mismatches) + Environment.NewLine : Format(report, grouping, mismatches));
            return CliExit.Ok;
        }));
        return command;
    }

    /// <summary>The report as an aligned table with a total line, or a note when there is nothing.</summary>
    internal static string Format(UsageReport report, UsageGrouping by, Seq<TokenMismatch> mismatches = default)
    {
        if (report.Lines.IsEmpty) return "No usage recorded in this period." + Environment.NewLine;
        var table = Table(report, by);
        if (report.Total.ProxyCountedRuns == 0 && mismatches.IsEmpty) return table;
        var notes = new System.Text.StringBuilder(table).AppendLine()
            .AppendLine($"Tokens of {report.Total.ProxyCountedRuns} of {report.Total.Runs} runs as the credential proxy counted them; " +
                        "the others, and every cost, as reported by the agent.");
        if (mismatches.IsEmpty) return notes.ToString();
        notes.AppendLine("Runs whose agent report differs from the proxy's count:");
        string T(ApiTokens t) => $"{N(t.InputTokens)}/{N(t.OutputTokens)}/{N(t.CacheCreationInputTokens)}/{N(t.CacheReadInputTokens)}";
        notes.Append(Cli.Table.Format(["RUN", "GROUP", "CONTAINER", "AGENT SAID", "PROXY COUNTED", "AGENT"],
            mismatches.Select(m => new[]
            {
                m.Run.RunId.ToString(CultureInfo.InvariantCulture), m.Run.Group, m.Run.ContainerName, T(m.Run.Reported),
                T(m.Run.Proxy.IfNone(ApiTokens.Zero)), Verdict(m.Verdict),
            }), ""));
        notes.AppendLine("(tokens as input/output/cache write/cache read)");
        return notes.ToString();
    }

    private static string Verdict(TokenVerdict v) => v switch
    {
        TokenVerdict.Over => "over-reported",
        TokenVerdict.Under => "under-reported",
        _ => "differs",
    };

    private static string Table(UsageReport report, UsageGrouping by)
    {
        string[] Row(UsageLine l) =>
        [
            l.Key, N(l.Runs), N(l.Turns), N(l.Usage.InputTokens), N(l.Usage.OutputTokens), N(l.Usage.CacheCreationInputTokens),
            N(l.Usage.CacheReadInputTokens), Cost(l.Usage.CostUsd),
        ];
        return Cli.Table.Format([by.ToString().ToUpperInvariant(), "RUNS", "TURNS", "INPUT", "OUTPUT", "CACHE WRITE", "CACHE READ", "COST USD"],
            report.Lines.Select(Row).Append(Row(report.Total with { Key = "TOTAL" })), "");
    }

    /// <summary>The report for scripts: exact numbers (cost as a JSON number with every decimal kept).</summary>
    internal static string Json(UsageReport report, UsageGrouping by, DateTimeOffset since, Seq<TokenMismatch> mismatches = default)
    {
        static JsonObject Tokens(ApiTokens t) => new()
        {
            ["inputTokens"] = t.InputTokens,
            ["outputTokens"] = t.OutputTokens,
            ["cacheCreationInputTokens"] = t.CacheCreationInputTokens,
            ["cacheReadInputTokens"] = t.CacheReadInputTokens,
        };
        static JsonObject Line(UsageLine l) => new()
        {
            ["key"] = l.Key,
            ["runs"] = l.Runs,
            ["turns"] = l.Turns,
            ["inputTokens"] = l.Usage.InputTokens,
            ["outputTokens"] = l.Usage.OutputTokens,
            ["cacheCreationInputTokens"] = l.Usage.CacheCreationInputTokens,
            ["cacheReadInputTokens"] = l.Usage.CacheReadInputTokens,
            ["costUsd"] = l.Usage.CostUsd,
            ["numTurns"] = l.Usage.NumTurns,
            ["durationApiMs"] = l.Usage.DurationApiMs,
            ["proxyCountedRuns"] = l.ProxyCountedRuns,
            ["reportedByAgent"] = Tokens(l.Reported.IfNone(() => ApiTokens.Of(l.Usage))),
        };
        return new JsonObject
        {
            ["since"] = Core.Domain.IsoTimestamp.From(since),
            ["by"] = by.ToString().ToLowerInvariant(),
            ["lines"] = new JsonArray(report.Lines.Select(l => (JsonNode)Line(l)).ToArray()),
            ["total"] = Line(report.Total),
            ["tokenSource"] = "the credential proxy's count for runs it counted (proxyCountedRuns), else the agent's report",
            ["costSource"] = "reported by the agent (Claude Code's list prices)",
            ["mismatches"] = new JsonArray(mismatches.Select(m => (JsonNode)new JsonObject
            {
                ["runId"] = m.Run.RunId,
                ["group"] = m.Run.Group,
                ["container"] = m.Run.ContainerName,
                ["verdict"] = m.Verdict.ToString().ToLowerInvariant(),
                ["reportedByAgent"] = Tokens(m.Run.Reported),
                ["countedByProxy"] = Tokens(m.Run.Proxy.IfNone(ApiTokens.Zero)),
            }).ToArray()),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Cost(decimal usd) => usd.ToString("0.00####", CultureInfo.InvariantCulture);
}
