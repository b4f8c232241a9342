using LanguageExt;
using NanoClaw.Core.Containers;

namespace NanoClaw.Core.Usage;

/// <summary>Token counts of Messages API responses, as the API reported them in <c>usage</c>.</summary>
/// <param name="InputTokens">Input tokens not read from or written to the prompt cache.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="CacheCreationInputTokens">Input tokens written to the prompt cache.</param>
/// <param name="CacheReadInputTokens">Input tokens read from the prompt cache.</param>
public sealed record ApiTokens(long InputTokens, long OutputTokens, long CacheCreationInputTokens, long CacheReadInputTokens)
{
    /// <summary>No tokens.</summary>
    public static ApiTokens Zero { get; } = new(0, 0, 0, 0);

    /// <summary>All four kinds together.</summary>
    public long Total => InputTokens + OutputTokens + CacheCreationInputTokens + CacheReadInputTokens;

    /// <summary>Field by field sum.</summary>
    public static ApiTokens operator +(ApiTokens a, ApiTokens b) => new(a.InputTokens + b.InputTokens, a.OutputTokens + b.OutputTokens,
        a.CacheCreationInputTokens + b.CacheCreationInputTokens, a.CacheReadInputTokens + b.CacheReadInputTokens);

    /// <summary>The token part of an agent's turn report.</summary>
    public static ApiTokens Of(TurnUsage usage) =>
        new(usage.InputTokens, usage.OutputTokens, usage.CacheCreationInputTokens, usage.CacheReadInputTokens);
}

/// <summary>One Messages API response the credential proxy counted, with the run it belongs to (input of the usage report).</summary>
/// <param name="RunId">The container run's id.</param>
/// <param name="Group">The group's folder.</param>
/// <param name="TaskId">The scheduled task the run was for, if any.</param>
/// <param name="EndedAt">When the response ended (UTC).</param>
/// <param name="Tokens">What the response's <c>usage</c> said.</param>
public sealed record ProxyCall(long RunId, string Group, Option<string> TaskId, DateTimeOffset EndedAt, ApiTokens Tokens);

/// <summary>One run's tokens by source: the agent's reports and the proxy's count (whole runs, for the mismatch check).</summary>
/// <param name="RunId">The container run's id.</param>
/// <param name="Group">The group's folder.</param>
/// <param name="ContainerName">The container's name.</param>
/// <param name="Reported">Sum of the agent runner's turn reports.</param>
/// <param name="Proxy">Sum of the proxy's counts; none when the proxy counted nothing for the run (off, or no call answered).</param>
public sealed record RunTokens(long RunId, string Group, string ContainerName, ApiTokens Reported, Option<ApiTokens> Proxy);

/// <summary>How an agent's report compares with the proxy's count.</summary>
public enum TokenVerdict
{
    /// <summary>The agent reported more tokens in total than the proxy counted.</summary>
    Over,
    /// <summary>The agent reported fewer tokens in total than the proxy counted (an unreported call, a killed run, or a lie).</summary>
    Under,
    /// <summary>The totals agree but the kinds do not.</summary>
    Differs,
}

/// <summary>A run whose agent report does not match the proxy's count.</summary>
/// <param name="Run">The run with both sums.</param>
/// <param name="Verdict">Which way it is off.</param>
public sealed record TokenMismatch(RunTokens Run, TokenVerdict Verdict);
