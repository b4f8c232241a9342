namespace NanoClaw.Core.Queue;

/// <summary>An effect the group queue asks the shell (or the router) to perform.</summary>
/// <param name="Group">The group the command is about.</param>
public abstract record QueueCommand(string Group)
{
    /// <summary>Start a container that answers the group's pending messages.</summary>
    /// <param name="Group">The group's chat jid.</param>
    public sealed record StartMessageContainer(string Group) : QueueCommand(Group);

    /// <summary>Start a container that runs one scheduled task.</summary>
    /// <param name="Group">The group's chat jid.</param>
    /// <param name="TaskId">The task to run.</param>
    public sealed record StartTaskContainer(string Group, string TaskId) : QueueCommand(Group);

    /// <summary>Write the group's pending messages into its idle container's IPC input.</summary>
    /// <param name="Group">The group's chat jid.</param>
    public sealed record PipeMessages(string Group) : QueueCommand(Group);

    /// <summary>Write the group's close sentinel so its idle container exits.</summary>
    /// <param name="Group">The group's chat jid.</param>
    public sealed record CloseContainer(string Group) : QueueCommand(Group);

    /// <summary>Feed <see cref="QueueEvent.RetryDue"/> back after <paramref name="Delay"/>.</summary>
    /// <param name="Group">The group's chat jid.</param>
    /// <param name="Delay">How long to wait.</param>
    /// <param name="Attempt">Retry number, 1 to <see cref="RetryBackoff.MaxRetries"/>; echo it in the event.</param>
    public sealed record ScheduleRetry(string Group, TimeSpan Delay, int Attempt) : QueueCommand(Group);

    /// <summary>The group's messages failed every retry; they wait for the next inbound message.</summary>
    /// <param name="Group">The group's chat jid.</param>
    public sealed record RetriesExhausted(string Group) : QueueCommand(Group);
}
