using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using NanoClaw.Core.Containers;

namespace NanoClaw.Shell.Telemetry;

/// <summary>
/// The daemon's metrics (the <c>NanoClaw</c> meter). Instruments cost next to nothing while nobody listens: with no
/// <c>telemetry.otlp_endpoint</c> there is no listener (no <see cref="MetricsExport"/>), so nothing is collected or sent.
/// Names, units and attributes are listed in this folder's README. Thread-safe: called from the event loop, the group
/// workers, the container output streams and the credential proxy.
/// </summary>
public sealed class NanoClawMetrics : IDisposable
{
    /// <summary>The meter's name (what an exporter subscribes to).</summary>
    public const string MeterName = "NanoClaw";

    /// <summary>Token counts from the credential proxy (read on the host from every API response).</summary>
    public const string SourceProxy = "proxy";

    /// <summary>Token counts and cost as the agent runner reported them (from inside the container).</summary>
    public const string SourceAgent = "agent";

    /// <summary>Histogram buckets of the inbound→launch latency, in milliseconds (1 ms … 5 min).</summary>
    public static readonly IReadOnlyList<double> LatencyBucketsMs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000, 300000];

    private readonly TimeProvider clock;
    private readonly Counter<long> messagesIn;
    private readonly Counter<long> runsStarted;
    private readonly Counter<long> runsEnded;
    private readonly Histogram<double> inboundToLaunch;
    private readonly Counter<long> tokens;
    private readonly Counter<double> cost;
    // Newest arrival per chat not yet followed by a launch (timestamps of the clock).
    private readonly ConcurrentDictionary<string, long> arrivals = new(StringComparer.Ordinal);

    /// <param name="clock">The clock the latency is measured with.</param>
    /// <param name="queueDepth">Groups waiting for a container slot now (read from the core's state at each collection).</param>
    /// <param name="running">Containers running now.</param>
    public NanoClawMetrics(TimeProvider clock, Func<int> queueDepth, Func<int> running)
    {
        this.clock = clock;
        Meter = new Meter(MeterName, typeof(NanoClawMetrics).Assembly.GetName().Version?.ToString());
        messagesIn = Meter.CreateCounter<long>("nanoclaw.messages.received", "{message}", "Messages stored from a channel");
        runsStarted = Meter.CreateCounter<long>("nanoclaw.runs.started", "{run}", "Agent container runs launched");
        runsEnded = Meter.CreateCounter<long>("nanoclaw.runs.ended", "{run}", "Agent container runs ended, by outcome");
        inboundToLaunch = Meter.CreateHistogram("nanoclaw.inbound_to_launch.duration", "ms",
            "From a chat's newest message being stored to the launch of the container that answers it",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsMs });
        tokens = Meter.CreateCounter<long>("nanoclaw.tokens", "{token}", "Model tokens, by kind and by who counted them");
        cost = Meter.CreateCounter<double>("nanoclaw.cost", "{USD}", "Cost in US dollars as the agent's Claude Code priced it");
        Meter.CreateObservableGauge("nanoclaw.queue.depth", queueDepth, "{group}", "Groups waiting for a container slot");
        Meter.CreateObservableGauge("nanoclaw.containers.running", running, "{container}", "Agent containers running");
    }

    /// <summary>The meter (tests listen to it directly).</summary>
    public Meter Meter { get; }

    /// <summary>A message was stored from <paramref name="channel"/> in chat <paramref name="chatJid"/>.</summary>
    public void MessageReceived(string channel, string chatJid)
    {
        messagesIn.Add(1, new KeyValuePair<string, object?>("channel", channel));
        arrivals[chatJid] = clock.GetTimestamp();
    }

    /// <summary>
    /// A container is launched for <paramref name="chatJid"/>; for a message run the time since the chat's newest
    /// stored message goes into the latency histogram (task runs and retries have no waiting message and record none).
    /// </summary>
    public void RunLaunched(string chatJid, string group, bool isTask)
    {
        runsStarted.Add(1, new("group", group), new("kind", isTask ? "task" : "messages"));
        if (!isTask && arrivals.TryRemove(chatJid, out var arrived))
            inboundToLaunch.Record(clock.GetElapsedTime(arrived).TotalMilliseconds, new KeyValuePair<string, object?>("group", group));
    }

    /// <summary>A message was piped into the chat's running container: it needed no launch.</summary>
    public void MessagePiped(string chatJid) => arrivals.TryRemove(chatJid, out _);

    /// <summary>A run ended with <paramref name="outcome"/> (<c>success</c>, <c>error</c>, <c>timeout</c>).</summary>
    public void RunEnded(string group, string outcome) =>
        runsEnded.Add(1, new("group", group), new("outcome", outcome));

    /// <summary>Tokens used by one response (proxy) or one turn (agent).</summary>
    public void Tokens(string group, string source, long input, long output, long cacheCreation, long cacheRead)
    {
        Add(input, "input");
        Add(output, "output");
        Add(cacheCreation, "cache_creation");
        Add(cacheRead, "cache_read");

        void Add(long n, string kind)
        {
            if (n > 0) tokens.Add(n, new("group", group), new("kind", kind), new("source", source));
        }
    }

    /// <summary>A turn's tokens and cost as the agent runner reported them.</summary>
    public void AgentTurn(string group, TurnUsage usage)
    {
        Tokens(group, SourceAgent, usage.InputTokens, usage.OutputTokens, usage.CacheCreationInputTokens, usage.CacheReadInputTokens);
        if (usage.CostUsd > 0) cost.Add((double)usage.CostUsd, new("group", group), new("source", SourceAgent));
    }

    public void Dispose() => Meter.Dispose();
}
