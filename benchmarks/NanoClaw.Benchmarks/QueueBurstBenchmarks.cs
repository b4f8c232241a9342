using BenchmarkDotNet.Attributes;
using NanoClaw.Core.Queue;

namespace NanoClaw.Benchmarks;

/// <summary>A burst of 10 000 queue events across 200 groups, folded through <see cref="GroupQueue.Update"/>.</summary>
[MemoryDiagnoser]
public class QueueBurstBenchmarks
{
    public const int Events = 10_000;
    private QueueEvent[] _events = [];

    [GlobalSetup]
    public void Setup()
    {
        // A plausible burst: mostly messages, some tasks, containers turning idle and exiting (seeded, so runs compare).
        var random = new Random(42);
        var live = new HashSet<int>();
        var events = new List<QueueEvent>(Events);
        while (events.Count < Events)
        {
            var g = random.Next(200);
            var group = $"g{g}@g.us";
            var roll = random.Next(100);
            events.Add(live.Contains(g) && roll < 40
                ? roll < 20 ? new QueueEvent.ContainerIdle(group) : new QueueEvent.ContainerExited(group, roll < 36 ? RunOutcome.Success : RunOutcome.Failure)
                : roll < 85 ? new QueueEvent.MessagesArrived(group) : new QueueEvent.TaskDue(group, $"task{random.Next(3)}"));
            if (events[^1] is QueueEvent.MessagesArrived or QueueEvent.TaskDue) live.Add(g);
            if (events[^1] is QueueEvent.ContainerExited) live.Remove(g);
        }
        _events = [.. events];
    }

    /// <summary>Whole burst per invocation; reported per event.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int Burst_10000_events_200_groups()
    {
        var state = QueueState.Initial(20);
        var commands = 0;
        foreach (var e in _events)
        {
            var (next, emitted) = GroupQueue.Update(state, e);
            state = next;
            commands += emitted.Count;
        }
        return commands;
    }
}
