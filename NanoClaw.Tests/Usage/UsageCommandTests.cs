using System.Text.Json.Nodes;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Usage;
using NanoClaw.Tests.Cli;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Usage;

/// <summary><c>nanoclaw usage</c>, the real executable on a real store with known rows: exact totals, filters, exit codes.</summary>
[Trait("Category", "Dashboard")]
public sealed class UsageCommandTests : IDisposable
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly CliProject project = new();

    public UsageCommandTests()
    {
        project.Env["NANOCLAW_TIMEZONE"] = "UTC";
        var store = project.Store();
        var family = store.Usage.RunStarted("nanoclaw-family-1", "family", "120363001@g.us", None, Day1);
        store.Usage.TurnEnded(family, Day1.AddMinutes(1), new TurnUsage(100, 20, 30, 40, 0.1m, 1, 700));
        store.Usage.TurnEnded(family, Day1.AddMinutes(2), new TurnUsage(200, 40, 60, 80, 0.2m, 2, 300));
        var task = store.Usage.RunStarted("nanoclaw-main-2", "main", "local:main", Some("t-daily"), Day1.AddDays(1));
        store.Usage.TurnEnded(task, Day1.AddDays(1).AddMinutes(1), new TurnUsage(5, 6, 7, 8, 0.000958m, 1, 50));
        var old = store.Usage.RunStarted("nanoclaw-main-0", "main", "local:main", None, Day1.AddDays(-30));
        store.Usage.TurnEnded(old, Day1.AddDays(-30), new TurnUsage(1_000, 1_000, 0, 0, 9m, 1, 1));
    }

    private JsonObject RunJson(params string[] args)
    {
        var result = project.Run(["usage", .. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        return JsonNode.Parse(result.StdOut)!.AsObject();
    }

    private static (string Key, long Runs, long Turns, long In, long Out, long Write, long Read, decimal Cost) Line(JsonNode line) => (
        (string)line["key"]!, (long)line["runs"]!, (long)line["turns"]!, (long)line["inputTokens"]!, (long)line["outputTokens"]!,
        (long)line["cacheCreationInputTokens"]!, (long)line["cacheReadInputTokens"]!, (decimal)line["costUsd"]!);

    [Fact]
    public void Json_by_group_has_exact_lines_and_totals()
    {
        var report = RunJson("--since", "2026-11-01", "--by", "group");

        Assert.Equal("group", (string)report["by"]!);
        Assert.Equal(
            [("family", 1L, 2L, 300L, 60L, 90L, 120L, 0.3m), ("main", 1L, 1L, 5L, 6L, 7L, 8L, 0.000958m)],
            report["lines"]!.AsArray().Select(l => Line(l!)).ToList());
        Assert.Equal(("total", 2L, 3L, 305L, 66L, 97L, 128L, 0.300958m), Line(report["total"]!));
        Assert.Equal(4L, (long)report["total"]!["numTurns"]!);
        Assert.Equal(1050L, (long)report["total"]!["durationApiMs"]!);
    }

    [Fact]
    public void By_day_and_by_task_split_the_same_totals()
    {
        var days = RunJson("--since", "2026-11-01", "--by", "day");
        Assert.Equal(["2026-11-02", "2026-11-03"], days["lines"]!.AsArray().Select(l => (string)l!["key"]!));
        Assert.Equal(0.300958m, (decimal)days["total"]!["costUsd"]!);

        var tasks = RunJson("--since", "2026-11-01", "--by", "task");
        Assert.Equal([UsageReports.NoTask, "t-daily"], tasks["lines"]!.AsArray().Select(l => (string)l!["key"]!));
        Assert.Equal(0.000958m, (decimal)tasks["lines"]![1]!["costUsd"]!);
    }

    [Fact]
    public void Group_and_since_filter_the_rows()
    {
        var family = RunJson("--since", "2026-11-01", "--group", "family");
        Assert.Equal(0.3m, (decimal)family["total"]!["costUsd"]!);

        var everything = RunJson("--since", "2026-01-01");
        Assert.Equal(9.300958m, (decimal)everything["total"]!["costUsd"]!);
        Assert.Equal(3L, (long)everything["total"]!["runs"]!);
    }

    [Fact]
    public void The_default_period_is_the_last_seven_days()
    {
        var store = project.Store();
        var now = DateTimeOffset.UtcNow;
        var recent = store.Usage.RunStarted("nanoclaw-family-9", "family", "120363001@g.us", None, now.AddHours(-1));
        store.Usage.TurnEnded(recent, now.AddHours(-1), new TurnUsage(11, 22, 33, 44, 1.5m, 1, 10));
        var eightDays = store.Usage.RunStarted("nanoclaw-family-8", "family", "120363001@g.us", None, now.AddDays(-8));
        store.Usage.TurnEnded(eightDays, now.AddDays(-8), new TurnUsage(1, 1, 1, 1, 100m, 1, 10));

        var report = RunJson();

        Assert.Equal(("total", 1L, 1L, 11L, 22L, 33L, 44L, 1.5m), Line(report["total"]!));
    }

    [Fact]
    public void The_table_shows_one_line_per_group_and_a_total()
    {
        var result = project.Run("usage", "--since", "2026-11-01", "--by", "group");

        Assert.Equal(0, result.ExitCode);
        var lines = result.StdOut.TrimEnd().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^GROUP\s+RUNS\s+TURNS\s+INPUT\s+OUTPUT\s+CACHE WRITE\s+CACHE READ\s+COST USD$", lines[0]);
        Assert.Matches(@"^family\s+1\s+2\s+300\s+60\s+90\s+120\s+0\.30$", lines[1]);
        Assert.Matches(@"^TOTAL\s+2\s+3\s+305\s+66\s+97\s+128\s+0\.300958$", lines[3]);
    }

    [Fact]
    public void An_empty_period_says_so()
    {
        var result = project.Run("usage", "--since", "2099-01-01");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("No usage recorded", result.StdOut);
    }

    [Theory]
    [InlineData("--since", "yesterday")]
    [InlineData("--by", "week")]
    [InlineData("--group", "../etc")]
    public void A_bad_option_exits_1_and_says_why(string option, string value)
    {
        var result = project.Run("usage", option, value);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("nanoclaw usage: ", result.StdErr);
    }

    [Fact]
    public void Without_a_store_it_exits_3()
    {
        using var empty = new CliProject();
        var result = empty.Run("usage");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no store", result.StdErr);
        Assert.False(File.Exists(empty.DatabasePath));
    }

    public void Dispose() => project.Dispose();
}
