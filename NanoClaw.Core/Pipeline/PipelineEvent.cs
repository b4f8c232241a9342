using LanguageExt;
using NanoClaw.Core.Domain;

namespace NanoClaw.Core.Pipeline;

/// <summary>Everything the shell tells the core: stored messages, group changes, container events, timers, shutdown.</summary>
public abstract record PipelineEvent
{
    private PipelineEvent() { }

    /// <summary>A message was stored (the shell stores first, then reports it).</summary>
    /// <param name="Message">The stored message.</param>
    public sealed record MessageStored(ChatMessage Message) : PipelineEvent;

    /// <summary>
    /// Several stored messages handed over together (startup recovery, the store's safety poll): each chat's messages
    /// are judged as one batch, so the first container gets them all instead of only the oldest.
    /// </summary>
    /// <param name="Messages">The messages, any chats, any order.</param>
    public sealed record MessagesStored(Seq<ChatMessage> Messages) : PipelineEvent;

    /// <summary>The set of registered groups changed (startup, or a registration through IPC).</summary>
    /// <param name="Groups">Every registered group by chat jid.</param>
    public sealed record GroupsChanged(Map<string, RegisteredGroup> Groups) : PipelineEvent;

    /// <summary>A group's container printed an output record.</summary>
    /// <param name="Group">The group's chat jid.</param>
    /// <param name="Output">The record; a success without a result means the turn ended and the agent waits for input.</param>
    public sealed record ContainerOutput(string Group, Containers.ContainerOutput Output) : PipelineEvent;

    /// <summary>A group's container exited.</summary>
    /// <param name="Group">The group's chat jid.</param>
    /// <param name="Success">True for exit code 0 (and no timeout).</param>
    public sealed record ContainerExited(string Group, bool Success) : PipelineEvent;

    /// <summary>A scheduled task is due (from the timer or the safety poll; duplicates are harmless).</summary>
    /// <param name="Task">The task as stored.</param>
    public sealed record TaskDue(ScheduledTask Task) : PipelineEvent;

    /// <summary>A timer armed by <see cref="Decision.ArmTimer"/> fired. One for a run that is gone, or superseded, changes nothing.</summary>
    /// <param name="Key">The key from the decision.</param>
    public sealed record TimerFired(TimerKey Key) : PipelineEvent;

    /// <summary>The sender allowlist was (re)loaded: later triggers are judged by it.</summary>
    /// <param name="Allowlist">The policy now in force.</param>
    public sealed record AllowlistChanged(Security.SenderAllowlist Allowlist) : PipelineEvent;

    /// <summary>The daemon is stopping: nothing new starts.</summary>
    public sealed record Shutdown : PipelineEvent;
}
