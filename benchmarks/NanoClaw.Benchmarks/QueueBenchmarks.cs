using BenchmarkDotNet.Attributes;
using NanoClaw.Core.Queue;

namespace NanoClaw.Benchmarks;

/// <summary>
/// The group queue under the issue-16 workloads: a 10 000-event script over 200 groups with a cap of 5 (most groups
/// wait), and every enqueue of that script arriving in one burst and then drained.
/// </summary>
[MemoryDiagnoser]
public class QueueBenchmarks
{
    public const int Events = 10_000;
    private QueueEvent[] script = [];
    private QueueEvent[] burst = [];

    [GlobalSetup]
    public void Setup()
    {
        script = QueueScripts.Mixed(Events, 200);
        burst = [.. script.Where(e => e is QueueEvent.MessagesArrived or QueueEvent.TaskDue)];
    }

    /// <summary>The whole script per invocation (cap 5); reported per script.</summary>
    [Benchmark]
    public int Script_10000_events_200_groups_cap_5() => QueueScripts.Run(QueueState.Initial(5), script).Commands;

    /// <summary>The script's enqueues (messages and due tasks) in one burst, cap 5, then every container exits until none runs.</summary>
    [Benchmark]
    public int Burst_enqueues_then_drained_cap_5()
    {
        return QueueScripts.BurstThenDrain(QueueState.Initial(5), burst).Commands;
    }
}

/// <summary>
/// The cost of one container start in a saturated queue (200 groups waiting behind a cap of 5), measured from a fresh
/// queue and from one that has already started 100 000 containers: the two must cost the same (time and bytes), or the
/// queue's state grows with its age.
/// </summary>
[MemoryDiagnoser]
public class QueueAgeBenchmarks
{
    private const int Groups = 200;
    private const int Cap = 5;
    private const int Steps = 1_000;
    private QueueState aged = null!;

    /// <summary>Starts already done before the measured ones.</summary>
    [Params(0, 100_000)]
    public int StartsBefore { get; set; }

    [GlobalSetup]
    public void Setup() => aged = QueueScripts.Saturated(Groups, Cap, StartsBefore);

    /// <summary>1 000 starts (an exit and a new message each) from the aged state; reported per start.</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public int Start_one_container()
    {
        var state = aged;
        for (var i = 0; i < Steps; i++)
            state = QueueScripts.StartNext(state, StartsBefore + i, Groups);
        return state.Running.Count;
    }
}
