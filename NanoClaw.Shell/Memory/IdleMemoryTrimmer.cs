using Serilog;

namespace NanoClaw.Shell.Memory;

/// <summary>
/// Gives an idle daemon's dead objects back to the system (issue 16). After a burst of work the GC's youngest
/// generation holds ~16 MB of garbage that nothing collects while the daemon sits idle (nothing allocates), and it
/// counts in the daemon's resident memory. Every <see cref="Period"/> this samples the bytes allocated; after a busy
/// stretch, the first quiet period runs one aggressive full collection, which also returns the freed regions
/// (<see cref="GCCollectionMode.Aggressive"/>). A busy daemon is never collected by this; an idle one at most once.
/// </summary>
public sealed class IdleMemoryTrimmer : IDisposable
{
    /// <summary>How often the allocation counter is sampled.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    /// <summary>A period that allocates no more than this is quiet (an idle daemon's polls allocate far less).</summary>
    public const long QuietBytes = 1024 * 1024;

    private readonly ITimer timer;
    private readonly ILogger log;
    private readonly object gate = new();
    private IdleTrimRule.State state;

    private IdleMemoryTrimmer(TimeProvider time, ILogger log)
    {
        this.log = log;
        state = new IdleTrimRule.State(GC.GetTotalAllocatedBytes(), false);
        timer = time.CreateTimer(_ => Sample(), null, Period, Period);
    }

    /// <summary>Starts sampling; dispose to stop.</summary>
    public static IdleMemoryTrimmer Start(TimeProvider time, ILogger log) => new(time, log.ForContext<IdleMemoryTrimmer>());

    /// <summary>Trims now if the rule says so (the timer calls this; exposed for tests).</summary>
    public bool Sample()
    {
        bool trim;
        lock (gate) (state, trim) = IdleTrimRule.Step(state, GC.GetTotalAllocatedBytes(), QuietBytes);
        if (!trim) return false;
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        log.Debug("Idle: collected, GC committed {Before} → {After} bytes", before, GC.GetGCMemoryInfo().TotalCommittedBytes);
        // The collection's own allocations must not look like work.
        lock (gate) state = state with { AllocatedAtLastSample = GC.GetTotalAllocatedBytes() };
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => timer.Dispose();
}
