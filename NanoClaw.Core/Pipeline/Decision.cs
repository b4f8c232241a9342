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
    /// <param name="RunId">The id the core gave this run (timers and logs name it).</param>
    public sealed record LaunchContainer(string GroupJid, string Folder, string Prompt, bool IsMain, bool IsScheduledTask, Option<ScheduledTask> Task,
        long RunId) : Decision;

    /// <summary>Write text into the group's running container (its IPC input directory).</summary>
    /// <param name="GroupJid">The group's chat jid.</param>
    /// <param name="Folder">The folder of the run that receives it.</param>
    /// <param name="Text">A formatted batch.</param>
    /// <param name="RunId">The run that receives it.</param>
    public sealed record WriteInput(string GroupJid, string Folder, string Text, long RunId) : Decision;

    /// <summary>
    /// Write the group's <c>_close</c> sentinel: the core has decided to close run <paramref name="RunId"/> and pipes
    /// nothing more into it; whatever arrives meanwhile waits for the group's next container.
    /// </summary>
    /// <param name="GroupJid">The group's chat jid.</param>
    /// <param name="Folder">The folder of the run being closed.</param>
    /// <param name="RunId">The run being closed.</param>
    public sealed record WriteClose(string GroupJid, string Folder, long RunId) : Decision;

    /// <summary>
    /// Arm the timer <paramref name="Key"/> (replacing an armed timer with an equal key) and post
    /// <see cref="PipelineEvent.TimerFired"/> with that key after <paramref name="Delay"/>. The core judges the event;
    /// the shell never decides what a timer means.
    /// </summary>
    /// <param name="Key">Which timer, for which run.</param>
    /// <param name="Delay">How long from now.</param>
    public sealed record ArmTimer(TimerKey Key, TimeSpan Delay) : Decision;

    /// <summary>Disarm the timer <paramref name="Key"/> if it has not fired (a fired one that is stale is ignored anyway).</summary>
    /// <param name="Key">The timer.</param>
    public sealed record CancelTimer(TimerKey Key) : Decision;

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
