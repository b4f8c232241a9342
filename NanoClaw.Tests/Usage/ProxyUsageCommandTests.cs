using System.Text.Json.Nodes;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Usage;
using NanoClaw.Tests.Cli;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Usage;

/// <summary>
/// <c>nanoclaw usage</c> on a real store where the credential proxy counted some runs (issue 19): the proxy's tokens
/// are the ones shown, cost stays the agent's, and runs whose agent report is forged (or incomplete) are flagged.
/// </summary>
[Trait("Category", "Dashboard")]
public sealed class ProxyUsageCommandTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly CliProject project = new();

    public ProxyUsageCommandTests()
    {
        project.Env["NANOCLAW_TIMEZONE"] = "UTC";
        var store = project.Store();
        // Honest: the agent's report equals the proxy's two answers.
        var honest = store.Usage.RunStarted("nanoclaw-family-1", "family", "120363001@g.us", None, T0);
        store.Usage.TurnEnded(honest, T0.AddMinutes(1), new TurnUsage(100, 20, 30, 40, 0.1m, 2, 700));
        store.Usage.ProxyCounted("nanoclaw-family-1", T0.AddSeconds(20), new ApiTokens(60, 5, 30, 0));
        store.Usage.ProxyCounted("nanoclaw-family-1", T0.AddSeconds(50), new ApiTokens(40, 15, 0, 40));
        // Forged down: the agent claims almost nothing; the proxy saw the real use.
        var forged = store.Usage.RunStarted("nanoclaw-main-2", "main", "local:main", None, T0.AddHours(1));
        store.Usage.TurnEnded(forged, T0.AddHours(1).AddMinutes(1), new TurnUsage(1, 1, 0, 0, 0.000001m, 1, 10));
        store.Usage.ProxyCounted("nanoclaw-main-2", T0.AddHours(1).AddSeconds(30), new ApiTokens(5000, 300, 0, 200));
        // Forged up: the agent claims far more than it used.
        var inflated = store.Usage.RunStarted("nanoclaw-work-3", "work", "120363002@g.us", None, T0.AddHours(2));
        store.Usage.TurnEnded(inflated, T0.AddHours(2).AddMinutes(1), new TurnUsage(90_000, 9_000, 0, 0, 5m, 1, 10));
        store.Usage.ProxyCounted("nanoclaw-work-3", T0.AddHours(2).AddSeconds(30), new ApiTokens(10, 2, 0, 0));
        // Proxy off for this run: the agent's report is all there is.
        var unproxied = store.Usage.RunStarted("nanoclaw-work-4", "work", "120363002@g.us", None, T0.AddHours(3));
        store.Usage.TurnEnded(unproxied, T0.AddHours(3).AddMinutes(1), new TurnUsage(7, 8, 9, 10, 0.01m, 1, 10));
    }

    public void Dispose() => project.Dispose();

    private JsonObject RunJson(params string[] args)
    {
        var result = project.Run(["usage", .. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        return JsonNode.Parse(result.StdOut)!.AsObject();
    }

    private static (long In, long Out, long Write, long Read) Tokens(JsonNode n) =>
        ((long)n["inputTokens"]!, (long)n["outputTokens"]!, (long)n["cacheCreationInputTokens"]!, (long)n["cacheReadInputTokens"]!);

    [Fact]
    public void The_proxys_tokens_are_authoritative_and_cost_is_the_agents()
    {
        var report = RunJson("--since", "2026-11-01", "--by", "group");
        var total = report["total"]!;
        Assert.Equal((100L + 5000 + 10 + 7, 20L + 300 + 2 + 8, 30L + 0 + 0 + 9, 40L + 200 + 0 + 10), Tokens(total));
        Assert.Equal(0.1m + 0.000001m + 5m + 0.01m, (decimal)total["costUsd"]!);
        Assert.Equal((4L, 3L), ((long)total["runs"]!, (long)total["proxyCountedRuns"]!));
        Assert.Equal((100L + 1 + 90_000 + 7, 20L + 1 + 9_000 + 8, 39L, 50L), Tokens(total["reportedByAgent"]!));
        var lines = report["lines"]!.AsArray().ToDictionary(l => (string)l!["key"]!, l => l!);
        Assert.Equal((5000L, 300L, 0L, 200L), Tokens(lines["main"]));
        Assert.Equal((17L, 10L, 9L, 10L), Tokens(lines["work"]));
        Assert.Equal(1L, (long)lines["work"]["proxyCountedRuns"]!);
    }

    [Fact]
    public void Forged_reports_are_flagged_with_both_figures_and_honest_ones_are_not()
    {
        var mismatches = RunJson("--since", "2026-11-01")["mismatches"]!.AsArray();
        Assert.Equal(
            [("nanoclaw-main-2", "under", (1L, 1L, 0L, 0L), (5000L, 300L, 0L, 200L)), ("nanoclaw-work-3", "over", (90_000L, 9_000L, 0L, 0L), (10L, 2L, 0L, 0L))],
            mismatches.Select(m => ((string)m!["container"]!, (string)m["verdict"]!, Tokens(m["reportedByAgent"]!), Tokens(m["countedByProxy"]!))).ToList());

        var text = project.Run("usage", "--since", "2026-11-01");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Tokens of 3 of 4 runs as the credential proxy counted them", text.StdOut, StringComparison.Ordinal);
        var flagged = text.StdOut.Split('\n').Where(l => l.Contains("nanoclaw-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, flagged.Count);
        Assert.Contains("under-reported", flagged.Single(l => l.Contains("nanoclaw-main-2", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("over-reported", flagged.Single(l => l.Contains("nanoclaw-work-3", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_group_filter_applies_to_the_proxys_counts_and_the_flags()
    {
        var report = RunJson("--since", "2026-11-01", "--group", "family");
        Assert.Equal((100L, 20L, 30L, 40L), Tokens(report["total"]!));
        Assert.Empty(report["mismatches"]!.AsArray());
    }
}
