using BenchmarkDotNet.Attributes;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Pipeline;
using NanoClaw.Core.Queue;
using NanoClaw.Core.Routing;
using static LanguageExt.Prelude;

namespace NanoClaw.Benchmarks;

/// <summary>
/// The routing hot path for one inbound message (SPEC §13: at least 1 million messages/s on one core).
/// Every benchmark applies one event to a prepared state; states are immutable, so each call does the full work.
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private const string Team = "team@g.us";
    private readonly TriggerMatcher _trigger = new("Andy");
    private RegisteredGroup _group = null!;
    private Seq<ChatMessage> _pending;
    private QueueState _queueWithBusyGroup = null!;
    private RouterState _idleRouter = null!;
    private RouterState _busyRouter = null!;
    private PipelineEvent _untriggered = null!;
    private PipelineEvent _triggered = null!;
    private RouterState _routerWith200Pending = null!;
    private PipelineEvent _untriggeredAfter200 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _group = BenchData.Group(Team, "team");
        _pending = toSeq(new[] { BenchData.Message(Team, 1, "lunch?"), BenchData.Message(Team, 2, "@Andy book a table for 4") });
        _queueWithBusyGroup = GroupQueue.Update(QueueState.Initial(5), new QueueEvent.MessagesArrived(Team)).State;

        var groups = toMap(Enumerable.Range(0, 50).Select(i => ($"g{i}@g.us", BenchData.Group($"g{i}@g.us", $"g{i}")))
            .Append((Team, _group)));
        var config = RouterConfig.Create(BenchData.Assistant, BenchData.Zone);
        _idleRouter = Router.Update(RouterState.Initial(config, 5), new PipelineEvent.GroupsChanged(groups)).State;
        _busyRouter = Router.Update(_idleRouter, new PipelineEvent.MessageStored(BenchData.Message(Team, 1, "@Andy first"))).State;
        _untriggered = new PipelineEvent.MessageStored(BenchData.Message(Team, 10, "see you at 12"));
        _triggered = new PipelineEvent.MessageStored(BenchData.Message(Team, 10, "@Andy and a taxi please"));
        // A busy group chat where nobody has addressed the assistant for a while: 200 messages kept as context.
        _routerWith200Pending = Enumerable.Range(1, 200).Aggregate(_idleRouter,
            (s, i) => Router.Update(s, new PipelineEvent.MessageStored(BenchData.Message(Team, i, $"chat line {i}"))).State);
        _untriggeredAfter200 = new PipelineEvent.MessageStored(BenchData.Message(Team, 201, "see you at 12"));
    }

    /// <summary>The three routing primitives for one message: trigger, batch decision, queue transition.</summary>
    [Benchmark(Baseline = true)]
    public int TriggerBatchAndQueueTransition()
    {
        var batch = BatchRules.Select(_pending, "2026-01-31T13:00:00.000Z");
        if (!BatchRules.ShouldWake(_group, batch, _trigger)) return 0;
        return GroupQueue.Update(_queueWithBusyGroup, new QueueEvent.MessagesArrived(Team)).Commands.Count;
    }

    /// <summary>Router: a message without trigger in a non-main group (kept as context, no decision).</summary>
    [Benchmark]
    public int Router_untriggered_message() => Router.Update(_idleRouter, _untriggered).Decisions.Count;

    /// <summary>Router: one more untriggered message in a chat that already holds 200 untriggered ones as context.</summary>
    [Benchmark]
    public int Router_untriggered_message_200_pending() => Router.Update(_routerWith200Pending, _untriggeredAfter200).Decisions.Count;

    /// <summary>Router: a triggered follow-up while the group's container is busy (queued for piping).</summary>
    [Benchmark]
    public int Router_triggered_message_busy_container() => Router.Update(_busyRouter, _triggered).Decisions.Count;

    /// <summary>Router: a triggered message with nothing running (formats the prompt, launches a container).</summary>
    [Benchmark]
    public int Router_triggered_message_launch() => Router.Update(_idleRouter, _triggered).Decisions.Count;
}
