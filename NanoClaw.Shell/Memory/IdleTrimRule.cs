namespace NanoClaw.Shell.Memory;

/// <summary>
/// When an idle daemon should give its garbage back (pure): once after each busy stretch, when a whole sampling period
/// allocated less than <c>quietBytes</c>. A period that allocated more re-arms it.
/// </summary>
public static class IdleTrimRule
{
    /// <summary>What the rule remembers between samples.</summary>
    /// <param name="AllocatedAtLastSample">The process's total allocated bytes at the previous sample.</param>
    /// <param name="TrimmedSinceBusy">Whether a trim already ran since the last busy period.</param>
    public readonly record struct State(long AllocatedAtLastSample, bool TrimmedSinceBusy);

    /// <summary>The next state, and whether to trim now.</summary>
    public static (State Next, bool Trim) Step(State state, long allocatedNow, long quietBytes)
    {
        var busy = allocatedNow - state.AllocatedAtLastSample > quietBytes;
        if (busy) return (new State(allocatedNow, false), false);
        return state.TrimmedSinceBusy ? (state with { AllocatedAtLastSample = allocatedNow }, false) : (new State(allocatedNow, true), true);
    }
}
