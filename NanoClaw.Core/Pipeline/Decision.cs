using LanguageExt;
using NanoClaw.Core.Domain;

namespace NanoClaw.Core.Pipeline;

/// <summary>An effect the core asks the shell to perform. The shell reports results back as <see cref="PipelineEvent"/>s.</summary>
public abstract record Decision
{
    private Decision() { }

    /// <summary>Start a container for a group.</summary>
    /// <param name="GroupJid">The group's chat jid.</param>
    /// <param name="Folder">The group's folder.</param>
    /// <param name="Prompt">The prompt (a formatted batch, or the task's prompt).</param>
    /// <param name="IsMain">True for the main group.</param>
    /// <param name="IsScheduledTask">True when a scheduled task starts the run.</param>
    /// <param name="Task">The task, for task runs (its context mode and script matter to the launch).</param>
    public sealed record LaunchContainer(string GroupJid, string Folder, string Prompt, bool IsMain, bool IsScheduledTask, Option<ScheduledTask> Task) : Decision;

    /// <summary>Write text into the group's running container (its IPC input directory).</summary>
    /// <param name="GroupJid">The group's chat jid.</param>
    /// <param name="Text">A formatted batch.</param>
    public sealed record WriteInput(string GroupJid, string Text) : Decision;

    /// <summary>Write the group's <c>_close</c> sentinel.</summary>
    /// <param name="GroupJid">The group's chat jid.</param>
    public sealed record WriteClose(string GroupJid) : Decision;

    /// <summary>Write the group's <c>_close</c> sentinel after a delay (task containers, SPEC §9).</summary>
    /// <param name="GroupJid">The group's chat jid.</param>
    /// <param name="Delay">How long to wait.</param>
    public sealed record CloseTaskContainerAfter(string GroupJid, TimeSpan Delay) : Decision;

    /// <summary>Send text to a chat; it is already stripped of internal blocks and prefixed.</summary>
    /// <param name="ChatJid">Target chat.</param>
    /// <param name="Text">Text to send.</param>
    public sealed record SendMessage(string ChatJid, string Text) : Decision;

    /// <summary>Switch the typing indicator.</summary>
    /// <param name="ChatJid">The chat.</param>
    /// <param name="On">True while the agent works.</param>
    public sealed record SetTyping(string ChatJid, bool On) : Decision;

    /// <summary>Store the chat's agent cursor (<c>last_agent_timestamp</c>). It moves back on a roll-back.</summary>
    /// <param name="ChatJid">The chat.</param>
    /// <param name="Timestamp">The new cursor.</param>
    public sealed record AdvanceCursor(string ChatJid, string Timestamp) : Decision;

    /// <summary>Feed <see cref="PipelineEvent.RetryTimerFired"/> back after <paramref name="Delay"/>.</summary>
    /// <param name="GroupJid">The group's chat jid.</param>
    /// <param name="Delay">Backoff delay.</param>
    /// <param name="Attempt">Attempt number to echo in the event.</param>
    public sealed record ScheduleRetry(string GroupJid, TimeSpan Delay, int Attempt) : Decision;

    /// <summary>Every retry failed; the messages wait for the next inbound message (log it).</summary>
    /// <param name="GroupJid">The group's chat jid.</param>
    public sealed record RetriesExhausted(string GroupJid) : Decision;

    /// <summary>Store the session id a group's agent reported.</summary>
    /// <param name="GroupFolder">The group's folder.</param>
    /// <param name="SessionId">Claude Code session id.</param>
    public sealed record SaveSession(string GroupFolder, string SessionId) : Decision;

    /// <summary>A task run ended (or could not start): log it and compute the next run.</summary>
    /// <param name="Task">The task.</param>
    /// <param name="Success">True when the run succeeded.</param>
    /// <param name="Result">First result text, if any.</param>
    /// <param name="Error">Error text, if any.</param>
    public sealed record TaskFinished(ScheduledTask Task, bool Success, Option<string> Result, Option<string> Error) : Decision;
}
