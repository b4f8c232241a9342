using NanoClaw.Core.Containers;

namespace NanoClaw.AgentRunner.Lifetime;

/// <summary>
/// The runner's own limits, from the host's timeouts in its input (issue 20). The host's idle close and timeouts stay
/// the primary mechanism; these only end a run whose host is gone (killed, crashed, its directory deleted), so a
/// container never outlives its daemon for long. Inputs from older hosts carry neither field: then no limit applies.
/// </summary>
internal sealed class RunLimits : IDisposable
{
    private readonly CancellationTokenSource _maxRun;
    private readonly CancellationTokenSource _linked;

    public RunLimits(ContainerInput input, TimeProvider clock, CancellationToken outer)
    {
        IdleLimit = input.IdleTimeoutMs.Case is int idle ? TimeoutRules.RunnerIdleLimit(idle) : null;
        MaxRun = input.MaxRunMs.Case is int max ? TimeoutRules.RunnerMaxRun(max) : null;
        _maxRun = MaxRun is { } limit ? new CancellationTokenSource(limit, clock) : new CancellationTokenSource();
        _linked = CancellationTokenSource.CreateLinkedTokenSource(outer, _maxRun.Token);
    }

    /// <summary>How long to wait for input after a turn before ending the run; null for ever.</summary>
    public TimeSpan? IdleLimit { get; }

    /// <summary>When the whole run ends, counted from the runner's start; null for never.</summary>
    public TimeSpan? MaxRun { get; }

    /// <summary>Cancelled at the maximum run time or when the outer token is.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>True once the maximum run time has passed.</summary>
    public bool MaxRunPassed => _maxRun.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _maxRun.Dispose();
    }
}
