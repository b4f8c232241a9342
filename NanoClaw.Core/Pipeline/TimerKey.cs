namespace NanoClaw.Core.Pipeline;

/// <summary>
/// Names a timer the core asked for (<see cref="Decision.ArmTimer"/>) and comes back in
/// <see cref="PipelineEvent.TimerFired"/>. Keys carry the run (or retry attempt) they were armed for, so the core can
/// tell a timer for the run it means from one for a run that is gone. Keys are values: equal keys name the same timer.
/// </summary>
/// <param name="Group">The group's chat jid.</param>
public abstract record TimerKey(string Group)
{
    /// <summary>The agent of run <paramref name="RunId"/> has waited for input since the end of turn <paramref name="Turn"/>.</summary>
    /// <param name="Group">The group's chat jid.</param>
    /// <param name="RunId">The run the timer was armed for.</param>
    /// <param name="Turn">The turn whose end armed it (a later turn makes it stale).</param>
    public sealed record IdleExpiry(string Group, long RunId, int Turn) : TimerKey(Group);

    /// <summary>Close the task container of run <paramref name="RunId"/> (SPEC §9: 10 s after its first result).</summary>
    /// <param name="Group">The group's chat jid.</param>
    /// <param name="RunId">The task run the timer was armed for.</param>
    public sealed record TaskClose(string Group, long RunId) : TimerKey(Group);

    /// <summary>Retry the group's failed messages (SPEC §6 backoff).</summary>
    /// <param name="Group">The group's chat jid.</param>
    /// <param name="Attempt">The retry number, 1 to <see cref="Queue.RetryBackoff.MaxRetries"/>.</param>
    public sealed record Retry(string Group, int Attempt) : TimerKey(Group);
}
