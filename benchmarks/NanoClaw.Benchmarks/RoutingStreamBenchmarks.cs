using BenchmarkDotNet.Attributes;
using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Pipeline;
using static LanguageExt.Prelude;

namespace NanoClaw.Benchmarks;

/// <summary>
/// Routing throughput for a realistic stream (SPEC §13's "messages/s"): 10 000 events across 200 groups folded
/// through <see cref="Router.Update"/> — messages (one in five with the trigger), and for groups whose container
/// runs, results, turn ends and exits — so every path runs: accumulate, launch (formats the batch), pipe to an
/// idle container (formats), wait behind a busy one, queue behind max_concurrent. Reported per event.
/// </summary>
[MemoryDiagnoser]
public class RoutingStreamBenchmarks
{
    public const int Events = 10_000;
    private RouterState initial = null!;
    private PipelineEvent[] events = [];

    /// <summary>How many of the events are inbound messages (printed once at setup, for msgs/s).</summary>
    public int Messages { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var groups = toMap(Enumerable.Range(0, 200).Select(i => ($"g{i}@g.us", BenchData.Group($"g{i}@g.us", $"g{i}", isMain: i == 0))));
        initial = Router.Update(RouterState.Initial(RouterConfig.Create(BenchData.Assistant, BenchData.Zone), 5),
            new PipelineEvent.GroupsChanged(groups)).State;

        // Generate the stream against the router itself, so outputs only go to groups that really have a container.
        var random = new Random(42);
        var state = initial;
        var running = new System.Collections.Generic.HashSet<string>();
        var list = new List<PipelineEvent>(Events);
        var second = 0;
        while (list.Count < Events)
        {
            PipelineEvent e;
            var roll = random.Next(100);
            if (running.Count > 0 && roll < 25)
            {
                var group = running.ElementAt(random.Next(running.Count));
                e = roll switch
                {
                    < 10 => new PipelineEvent.ContainerOutput(group, new ContainerOutput(OutputStatus.Success, Some("Done: table for 4 at 12:30."), Some("s1"), None)),
                    < 21 => new PipelineEvent.ContainerOutput(group, new ContainerOutput(OutputStatus.Success, None, Some("s1"), None)),
                    _ => new PipelineEvent.ContainerExited(group, roll < 24),
                };
                if (e is PipelineEvent.ContainerExited) running.Remove(group);
            }
            else
            {
                var g = random.Next(200);
                var text = random.Next(5) == 0 ? $"@Andy can you check <this> & that ({second})?" : $"message {second}: lunch at 12, see you there";
                e = new PipelineEvent.MessageStored(BenchData.Message($"g{g}@g.us", ++second, text, random.Next(2) == 0 ? "Alice" : "Bob"));
                Messages++;
            }
            var step = Router.Update(state, e);
            state = step.State;
            foreach (var d in step.Decisions)
                if (d is Decision.LaunchContainer l) running.Add(l.GroupJid);
            list.Add(e);
        }
        events = [.. list];
        Console.WriteLine($"// stream: {Events} events, {Messages} messages");
    }

    /// <summary>The whole stream per invocation; reported per event.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int Route_10000_event_stream_200_groups()
    {
        var state = initial;
        var decisions = 0;
        foreach (var e in events)
        {
            var step = Router.Update(state, e);
            state = step.State;
            decisions += step.Decisions.Count;
        }
        return decisions;
    }
}
