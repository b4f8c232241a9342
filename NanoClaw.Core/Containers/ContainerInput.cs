using LanguageExt;

namespace NanoClaw.Core.Containers;

/// <summary>
/// The one JSON object written to a container's stdin (SPEC §7). Credentials travel here as environment
/// variable name → value, and only when the credential proxy is off; with the proxy they hold its URL and a placeholder.
/// </summary>
/// <param name="Prompt">The formatted prompt.</param>
/// <param name="SessionId">Claude Code session to resume.</param>
/// <param name="GroupFolder">Folder of the group.</param>
/// <param name="ChatJid">Chat the group belongs to.</param>
/// <param name="IsMain">True for the main group.</param>
/// <param name="IsScheduledTask">True when a scheduled task started the run.</param>
/// <param name="AssistantName">The assistant's name.</param>
/// <param name="Script">Optional bash script run before the agent wakes (scheduled tasks).</param>
/// <param name="Secrets">Environment for Claude Code: <c>ANTHROPIC_API_KEY</c>, <c>ANTHROPIC_BASE_URL</c>, ….</param>
public sealed record ContainerInput(
    string Prompt,
    Option<string> SessionId,
    string GroupFolder,
    string ChatJid,
    bool IsMain,
    bool IsScheduledTask,
    string AssistantName,
    Option<string> Script,
    Map<string, string> Secrets)
{
    /// <summary>
    /// The host's idle timeout (<c>idleTimeoutMs</c>, optional): the agent runner ends the run on its own when no
    /// input or <c>_close</c> arrives this long (plus a margin, <see cref="TimeoutRules.RunnerIdleLimit"/>) after a turn.
    /// </summary>
    public Option<int> IdleTimeoutMs { get; init; }

    /// <summary>
    /// The absolute maximum run time (<c>maxRunMs</c>, optional): the agent runner ends the run on its own past it
    /// (plus a margin, <see cref="TimeoutRules.RunnerMaxRun"/>), whatever it is doing.
    /// </summary>
    public Option<int> MaxRunMs { get; init; }
}

/// <summary>Status of one output record.</summary>
public enum OutputStatus
{
    /// <summary>A result (or the end of a turn when the result is none).</summary>
    Success,
    /// <summary>The agent failed.</summary>
    Error,
}

/// <summary>
/// One record a container prints between <see cref="OutputMarkers.Start"/> and <see cref="OutputMarkers.End"/>.
/// A success with no result marks the end of a turn (the agent is now waiting for input).
/// </summary>
/// <param name="Status">Success or error.</param>
/// <param name="Result">Text for the user, if any.</param>
/// <param name="NewSessionId">Session id to save, if the agent reports one.</param>
/// <param name="Error">Error text, if any.</param>
public sealed record ContainerOutput(OutputStatus Status, Option<string> Result, Option<string> NewSessionId, Option<string> Error)
{
    /// <summary>
    /// What the turn this record ends used (an optional field, <c>usage</c>, added in issue 19: older runners omit it
    /// and older hosts ignore it). Only on the record that ends a turn.
    /// </summary>
    public Option<TurnUsage> Usage { get; init; }
}

/// <summary>The markers around each output record on a container's stdout.</summary>
public static class OutputMarkers
{
    /// <summary>Line before the record's JSON.</summary>
    public const string Start = "---NANOCLAW_OUTPUT_START---";

    /// <summary>Line after the record's JSON.</summary>
    public const string End = "---NANOCLAW_OUTPUT_END---";
}
