using NanoClaw.Tests.Fault;

namespace NanoClaw.Tests.Telemetry;

/// <summary>
/// Issue 19 (metrics): the real daemon (fake container runtime that reports known usage) exports its metrics over
/// OTLP/HTTP protobuf to a loopback receiver when <c>telemetry.otlp_endpoint</c> is set, and builds no exporter otherwise.
/// </summary>
[Trait("Category", "Dashboard")]
public sealed class MetricsExportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private const string Usage =
        """{"inputTokens":100,"outputTokens":20,"cacheCreationInputTokens":30,"cacheReadInputTokens":40,"costUsd":0.0125,"numTurns":1,"durationApiMs":500}""";

    private static DaemonHarness Daemon(OtlpReceiver receiver, int? intervalMs, Dictionary<string, string>? env = null)
    {
        var config = intervalMs is { } ms ? $"telemetry:\n  otlp_endpoint: {receiver.BaseUrl}\n  export_interval_ms: {ms}\n" : null;
        env ??= [];
        env["FAKE_RUNTIME_USAGE"] = Usage;
        return new DaemonHarness(config, env: env, idleTimeoutMs: 1000);
    }

    private static double Value(List<OtlpPoint> export, string metric, params (string Key, string Value)[] attributes) =>
        export.Where(p => p.Metric == metric && attributes.All(a => p[a.Key] == a.Value)).Sum(p => p.Value);

    private static async Task RoundTripAsync(DaemonHarness daemon)
    {
        await using var chat = await ChatSession.OpenAsync(daemon);
        await chat.SendAsync("main", "hello metrics");
        var replies = await chat.WaitForRepliesAsync(1, Wait);
        Assert.Single(replies);
        // The idle timeout closes the container; wait for the daemon to see it exit.
        await daemon.WaitForOutputAsync(lines => lines.Any(l => l.Contains("ended: exit 0", StringComparison.Ordinal)), Wait, "the container's exit");
    }

    [Fact]
    public async Task A_message_round_trip_shows_in_the_exported_metrics_with_exact_values()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var daemon = Daemon(receiver, intervalMs: 200);
        await daemon.StartAsync();
        await RoundTripAsync(daemon);

        // The gauges follow the core's state, which learns of the exit just after the run's end is counted.
        var export = await receiver.WaitForExportAsync(
            e => Value(e, "nanoclaw.runs.ended", ("outcome", "success")) >= 1 && e.Any(p => p.Metric == "nanoclaw.containers.running" && p.Value == 0),
            Wait, "a successful run ended and no container running");

        Assert.Equal(1, Value(export, "nanoclaw.messages.received", ("channel", "local")));
        Assert.Equal(1, Value(export, "nanoclaw.messages.received"));
        Assert.Equal(1, Value(export, "nanoclaw.runs.started", ("group", "main"), ("kind", "messages")));
        Assert.Equal(1, Value(export, "nanoclaw.runs.ended", ("group", "main"), ("outcome", "success")));
        Assert.Equal(1, Value(export, "nanoclaw.runs.ended"));
        foreach (var (kind, n) in new[] { ("input", 100), ("output", 20), ("cache_creation", 30), ("cache_read", 40) })
            Assert.Equal(n, Value(export, "nanoclaw.tokens", ("kind", kind), ("source", "agent"), ("group", "main")));
        Assert.Equal(0.0125, Value(export, "nanoclaw.cost", ("source", "agent")), 10);
        Assert.Equal(0, Value(export, "nanoclaw.queue.depth"));
        Assert.Equal(0, Value(export, "nanoclaw.containers.running"));
        Assert.Contains(export, p => p.Metric == "nanoclaw.queue.depth" && p.Kind == "gauge" && p.Unit == "{group}");
        Assert.Contains(export, p => p.Metric == "nanoclaw.tokens" && p.Kind == "sum" && p.Unit == "{token}");

        var latency = Assert.Single(export, p => p.Metric == "nanoclaw.inbound_to_launch.duration");
        Assert.Equal(("histogram", "ms", 1UL, "main"), (latency.Kind, latency.Unit, latency.Count, latency["group"]));
        Assert.True(latency.Value > 0, $"latency sum {latency.Value} ms");
        Assert.Equal(1UL, latency.BucketCounts.Aggregate(0UL, (a, b) => a + b));
        Assert.Equal(0, receiver.Exports.SelectMany(e => e).Count(p => !p.Metric.StartsWith("nanoclaw.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task With_an_endpoint_the_last_values_are_pushed_when_the_daemon_stops()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var daemon = Daemon(receiver, intervalMs: 3_600_000); // no periodic export during the test
        await daemon.StartAsync();
        await RoundTripAsync(daemon);
        Assert.Equal(0, await daemon.StopAsync());

        var export = Assert.Single(receiver.Exports);
        Assert.Equal(1, Value(export, "nanoclaw.messages.received", ("channel", "local")));
        Assert.Equal(1, Value(export, "nanoclaw.runs.ended", ("outcome", "success")));
    }

    [Fact]
    public async Task Without_an_endpoint_no_exporter_is_built_and_nothing_is_sent_even_at_shutdown()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        // Were an exporter built with the SDK's defaults, these would send it to our receiver (and often).
        await using var daemon = Daemon(receiver, intervalMs: null, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "100",
        });
        await daemon.StartAsync();
        await RoundTripAsync(daemon);
        // An exporter always pushes at shutdown (the test above); the stop is the event that would show one.
        Assert.Equal(0, await daemon.StopAsync());

        Assert.Equal(0, receiver.Requests);
        Assert.DoesNotContain("Telemetry: metrics to", daemon.Output, StringComparison.Ordinal);
    }
}
