using System.Text.Json.Nodes;
using NanoClaw.Core.Containers;

namespace NanoClaw.AgentRunner.Claude;

/// <summary>Claude Code's running totals for this process, as of the last <c>result</c> message.</summary>
internal sealed record ProcessTotals(decimal CostUsd, long DurationApiMs)
{
    public static ProcessTotals Start { get; } = new(0m, 0);
}

/// <summary>
/// Reads a turn's usage from Claude Code's <c>result</c> message (pure). Measured with the pinned CLI (2.1.x): in one
/// streaming process <c>total_cost_usd</c> and <c>duration_api_ms</c> are running totals for the process, while
/// <c>usage</c>, <c>num_turns</c> and <c>model_usage_since_last_result</c> are for this turn only. Tokens come from
/// <c>model_usage_since_last_result</c> summed over models when present (it includes every model the turn used, so the
/// tokens match the cost), else from <c>usage</c>; cost and API time are the growth of the running totals.
/// </summary>
internal static class TurnUsageReader
{
    public static (TurnUsage Usage, ProcessTotals Totals) Read(JsonObject result, ProcessTotals before)
    {
        var totalCost = Decimal(result["total_cost_usd"]) ?? before.CostUsd;
        var totalApiMs = Long(result["duration_api_ms"]) ?? before.DurationApiMs;
        var (input, output, cacheWrite, cacheRead) = result["model_usage_since_last_result"] is JsonObject { Count: > 0 } perModel
            ? perModel.Select(p => p.Value as JsonObject).Where(m => m is not null).Aggregate((0L, 0L, 0L, 0L), (t, m) => (
                t.Item1 + (Long(m!["inputTokens"]) ?? 0),
                t.Item2 + (Long(m["outputTokens"]) ?? 0),
                t.Item3 + (Long(m["cacheCreationInputTokens"]) ?? 0),
                t.Item4 + (Long(m["cacheReadInputTokens"]) ?? 0)))
            : result["usage"] is JsonObject u
                ? (Long(u["input_tokens"]) ?? 0, Long(u["output_tokens"]) ?? 0,
                    Long(u["cache_creation_input_tokens"]) ?? 0, Long(u["cache_read_input_tokens"]) ?? 0)
                : (0L, 0L, 0L, 0L);
        var usage = new TurnUsage(input, output, cacheWrite, cacheRead,
            Math.Max(0m, totalCost - before.CostUsd),
            (int)Math.Clamp(Long(result["num_turns"]) ?? 0, 0, int.MaxValue),
            Math.Max(0, totalApiMs - before.DurationApiMs));
        return (usage, new ProcessTotals(Math.Max(totalCost, before.CostUsd), Math.Max(totalApiMs, before.DurationApiMs)));
    }

    private static long? Long(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? (long)Math.Clamp(d, long.MinValue, long.MaxValue) : null;

    /// <summary>
    /// Claude Code prints binary doubles (0.0009580000000000001); rounded to 10 decimals (a ten-billionth of a dollar)
    /// the noise goes and every real price survives.
    /// </summary>
    private static decimal? Decimal(JsonNode? node)
    {
        if (node is not JsonValue v) return null;
        if (v.TryGetValue<decimal>(out var m)) return Math.Round(m, 10);
        return v.TryGetValue<double>(out var d) && double.IsFinite(d) && Math.Abs(d) < 1e15 ? Math.Round((decimal)d, 10) : null;
    }
}
