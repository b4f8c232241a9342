using LanguageExt;
using NanoClaw.Core.Containers;

namespace NanoClaw.Core.Usage;

/// <summary>One stored agent turn with the run it belongs to (the input of the usage report).</summary>
/// <param name="RunId">The container run's id.</param>
/// <param name="Group">The group's folder.</param>
/// <param name="TaskId">The scheduled task the run was for, if any.</param>
/// <param name="EndedAt">When the turn ended (UTC).</param>
/// <param name="Usage">What it used.</param>
public sealed record UsageTurn(long RunId, string Group, Option<string> TaskId, DateTimeOffset EndedAt, TurnUsage Usage)
{
    /// <summary>True when the credential proxy counted this turn's run: its tokens then come from the proxy, not this report.</summary>
    public bool ProxyCounted { get; init; }
}

/// <summary>How the usage report groups its lines.</summary>
public enum UsageGrouping
{
    /// <summary>One line per calendar day in the configured time zone, oldest first.</summary>
    Day,
    /// <summary>One line per group folder, by name.</summary>
    Group,
    /// <summary>One line per scheduled task; runs for chat messages share the line <see cref="UsageReports.NoTask"/>.</summary>
    Task,
}

/// <summary>One line of the report.</summary>
/// <param name="Key">The day (<c>yyyy-MM-dd</c>), group folder or task id.</param>
/// <param name="Runs">Distinct container runs with turns in this line.</param>
/// <param name="Turns">Agent turns.</param>
/// <param name="Usage">
/// Tokens: the proxy's count for runs it counted, the agent's report for the others; cost, model round trips and API
/// time: the agent's report (the only source).
/// </param>
public sealed record UsageLine(string Key, int Runs, int Turns, TurnUsage Usage)
{
    /// <summary>
    /// The agent runners' own token reports for this line when the proxy counted any of its runs (then
    /// <see cref="Usage"/>'s tokens are not the agents'); none when every token in the line is the agents' report.
    /// </summary>
    public Option<ApiTokens> Reported { get; init; }

    /// <summary>Runs in this line whose tokens come from the credential proxy.</summary>
    public int ProxyCountedRuns { get; init; }
}

/// <summary>The report: its lines and their total.</summary>
/// <param name="Lines">Lines in key order (days oldest first).</param>
/// <param name="Total">Everything selected (key <c>total</c>).</param>
public sealed record UsageReport(Seq<UsageLine> Lines, UsageLine Total);
