using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using NanoClaw.Shell.Telemetry;

namespace NanoClaw.Tests.Telemetry;

/// <summary>The inbound→launch histogram and the queue gauges, measured with a fake clock and read through a real MeterListener.</summary>
[Trait("Category", "Dashboard")]
public sealed class NanoClawMetricsTests : IDisposable
{
    private readonly FakeTimeProvider clock = new();
    private readonly NanoClawMetrics metrics;
    private readonly MeterListener listener = new();
    private readonly List<(string Name, double Value, Dictionary<string, object?> Tags)> seen = [];
    private int waiting;
    private int running;

    public NanoClawMetricsTests()
    {
        metrics = new NanoClawMetrics(clock, () => waiting, () => running);
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();
    }

    private void Record(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        seen.Add((i.Name, v, new Dictionary<string, object?>(tags.ToArray())));

    public void Dispose()
    {
        listener.Dispose();
        metrics.Dispose();
    }

    private List<double> Latencies() => seen.Where(s => s.Name == "nanoclaw.inbound_to_launch.duration").Select(s => s.Value).ToList();

    [Fact]
    public void The_latency_is_from_the_chats_newest_message_to_its_launch()
    {
        metrics.MessageReceived("local", "local:main");
        clock.Advance(TimeSpan.FromSeconds(30));      // chatter without the trigger
        metrics.MessageReceived("local", "local:main");
        clock.Advance(TimeSpan.FromMilliseconds(250));
        metrics.RunLaunched("local:main", "main", isTask: false);
        Assert.Equal([250.0], Latencies());

        clock.Advance(TimeSpan.FromSeconds(5));
        metrics.RunLaunched("local:main", "main", isTask: false); // a retry: no message waited for it
        metrics.MessageReceived("whatsapp", "120363001@g.us");
        clock.Advance(TimeSpan.FromMilliseconds(40));
        metrics.RunLaunched("120363001@g.us", "family", isTask: true); // a task run does not answer the message
        metrics.MessagePiped("120363001@g.us");                          // the message went into the running container
        clock.Advance(TimeSpan.FromSeconds(1));
        metrics.RunLaunched("120363001@g.us", "family", isTask: false);
        Assert.Equal([250.0], Latencies());

        Assert.Equal(4, seen.Count(s => s.Name == "nanoclaw.runs.started"));
        Assert.Equal(1, seen.Count(s => s.Name == "nanoclaw.runs.started" && (string?)s.Tags["kind"] == "task"));
        Assert.Equal(["local", "local", "whatsapp"], seen.Where(s => s.Name == "nanoclaw.messages.received").Select(s => (string?)s.Tags["channel"]));
    }

    [Fact]
    public void The_gauges_read_the_queue_at_each_collection()
    {
        (waiting, running) = (3, 5);
        listener.RecordObservableInstruments();
        (waiting, running) = (0, 1);
        listener.RecordObservableInstruments();
        Assert.Equal([3.0, 0.0], seen.Where(s => s.Name == "nanoclaw.queue.depth").Select(s => s.Value));
        Assert.Equal([5.0, 1.0], seen.Where(s => s.Name == "nanoclaw.containers.running").Select(s => s.Value));
    }

    [Fact]
    public void Tokens_are_counted_by_kind_and_source_and_zeros_are_left_out()
    {
        metrics.Tokens("main", NanoClawMetrics.SourceProxy, 100, 0, 30, 40);
        metrics.AgentTurn("main", new NanoClaw.Core.Containers.TurnUsage(1, 2, 0, 0, 0.5m, 1, 10));
        var tokens = seen.Where(s => s.Name == "nanoclaw.tokens").Select(s => ((string?)s.Tags["source"], (string?)s.Tags["kind"], s.Value)).ToList();
        Assert.Equal([("proxy", "input", 100.0), ("proxy", "cache_creation", 30.0), ("proxy", "cache_read", 40.0), ("agent", "input", 1.0), ("agent", "output", 2.0)], tokens);
        Assert.Equal([0.5], seen.Where(s => s.Name == "nanoclaw.cost").Select(s => s.Value));
    }
}
