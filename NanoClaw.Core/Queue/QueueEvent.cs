namespace NanoClaw.Core.Queue;

/// <summary>Whether a container run ended well.</summary>
public enum RunOutcome
{
    /// <summary>The container exited after doing its work.</summary>
    Success,
    /// <summary>The container or the agent failed.</summary>
    Failure,
}

/// <summary>Something that happened to the group queue (SPEC §6). Every event is accepted in every state.</summary>
public abstract record QueueEvent
{
    private QueueEvent() { }

    /// <summary>New messages for a group want an agent (the router has decided they should wake it).</summary>
    /// <param name="Group">The group's chat jid.</param>
    public sealed record MessagesArrived(string Group) : QueueEvent;

    /// <summary>A scheduled task of a group is due.</summary>
    /// <param name="Group">The group's chat jid.</param>
    /// <param name="TaskId">The task's id.</param>
    public sealed record TaskDue(string Group, string TaskId) : QueueEvent;

    /// <summary>The group's container finished its turn and waits for input.</summary>
    /// <param name="Group">The group's chat jid.</param>
    public sealed record ContainerIdle(string Group) : QueueEvent;

    /// <summary>The group's container exited.</summary>
    /// <param name="Group">The group's chat jid.</param>
    /// <param name="Outcome">Whether the run succeeded.</param>
    public sealed record ContainerExited(string Group, RunOutcome Outcome) : QueueEvent;

    /// <summary>A retry timer set by <see cref="QueueCommand.ScheduleRetry"/> fired.</summary>
    /// <param name="Group">The group's chat jid.</param>
    /// <param name="Attempt">The attempt number the timer was set for; stale timers are ignored.</param>
    public sealed record RetryDue(string Group, int Attempt) : QueueEvent;

    /// <summary>
    /// The group's container has waited for input for the idle timeout: close it if it still waits and is not closing.
    /// A container that is busy again (it was given input) stays.
    /// </summary>
    /// <param name="Group">The group's chat jid.</param>
    public sealed record IdleExpired(string Group) : QueueEvent;

    /// <summary>Close the group's container whatever it is doing (a task container's close delay ran out), unless it is closing already.</summary>
    /// <param name="Group">The group's chat jid.</param>
    public sealed record CloseDue(string Group) : QueueEvent;

    /// <summary>The daemon is stopping: no new work starts from now on.</summary>
    public sealed record Shutdown : QueueEvent;
}
