namespace NanoClaw.Core.Containers;

/// <summary>
/// What one agent turn used, as Claude Code reported it in its <c>result</c> message, per turn (the runner turns
/// Claude Code's per-process running totals into per-turn amounts). Carried by the output record that ends the turn.
/// </summary>
/// <param name="InputTokens">Input tokens not read from or written to the prompt cache.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="CacheCreationInputTokens">Input tokens written to the prompt cache.</param>
/// <param name="CacheReadInputTokens">Input tokens read from the prompt cache.</param>
/// <param name="CostUsd">Cost in US dollars as Claude Code priced it (list prices).</param>
/// <param name="NumTurns">Model round trips (agentic turns) in this turn.</param>
/// <param name="DurationApiMs">Time spent waiting for the API during this turn, in milliseconds.</param>
public sealed record TurnUsage(
    long InputTokens,
    long OutputTokens,
    long CacheCreationInputTokens,
    long CacheReadInputTokens,
    decimal CostUsd,
    int NumTurns,
    long DurationApiMs)
{
    /// <summary>Nothing used.</summary>
    public static TurnUsage Zero { get; } = new(0, 0, 0, 0, 0m, 0, 0);

    /// <summary>Most tokens one turn may claim; larger values in a record are treated as no usage at all.</summary>
    public const long MaxTokens = 1_000_000_000_000;

    /// <summary>Largest cost one turn may claim (a record is the container's word; this bounds what it can add).</summary>
    public const decimal MaxCostUsd = 1_000_000m;

    /// <summary>True when every field is within range (non-negative, bounded); records with anything else carry no usage.</summary>
    public bool IsPlausible =>
        InputTokens is >= 0 and <= MaxTokens && OutputTokens is >= 0 and <= MaxTokens
        && CacheCreationInputTokens is >= 0 and <= MaxTokens && CacheReadInputTokens is >= 0 and <= MaxTokens
        && CostUsd is >= 0m and <= MaxCostUsd && NumTurns >= 0 && DurationApiMs is >= 0 and <= MaxTokens;
}
