using System.Diagnostics;
using NanoClaw.Tests.Fault;

namespace NanoClaw.Tests.Sandbox;

/// <summary>
/// Talks to the main group, one ping after another, for as long as an attack runs: each ping must come back twice
/// within <see cref="Limit"/>, as the agent's answer (container output → reply) and as a message the agent sends through
/// its IPC directory (IPC watcher → reply), so both paths another group depends on are watched. A ping that does not
/// come back counts as the daemon being frozen for everyone: the probe records it and stops.
/// </summary>
public sealed class LivenessProbe : IAsyncDisposable
{
    /// <summary>How long one ping may take. Generous for a loaded 2-core machine; an attack that blocks a thread forever exceeds any bound.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    private readonly List<string> failures = [];
    private readonly List<double> latencies = [];
    private readonly List<(double Ms, string Phase, int Ping)> slowest = [];
    private int next;
    private CancellationTokenSource? stop;
    private Task? loop;

    /// <summary>What the test is doing now, for failure messages.</summary>
    public string Phase { get; set; } = "start";

    public IReadOnlyList<string> Failures
    {
        get { lock (failures) return failures.ToList(); }
    }

    public bool Failed => Failures.Count > 0;

    public IReadOnlyList<double> LatenciesMs
    {
        get { lock (latencies) return latencies.ToList(); }
    }

    /// <summary>The three slowest answered pings, with the phase they were sent in.</summary>
    public IReadOnlyList<(double Ms, string Phase, int Ping)> Slowest
    {
        get { lock (latencies) return slowest.ToList(); }
    }

    /// <summary>Pings answered so far (both ways).</summary>
    public int Answered
    {
        get { lock (latencies) return latencies.Count; }
    }

    /// <summary>One ping now; false (and a recorded failure) when it did not come back in time.</summary>
    /// <param name="chat">A session that talks to main.</param>
    /// <param name="limit">Longer than <see cref="Limit"/> only for the first ping of a daemon run, which includes the daemon's first launch of main.</param>
    public async Task<bool> PingAsync(ChatSession chat, TimeSpan? limit = null)
    {
        var bound = limit ?? Limit;
        var n = Interlocked.Increment(ref next);
        var watch = Stopwatch.StartNew();
        try
        {
            await chat.SendAsync("main", $"ping {n} ipc-probe-{n}");
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return Fail($"{Phase}: ping {n} could not be sent: {e.Message}");
        }
        var ack = $"ack [{n}]";
        var pong = $"ipc pong [{n}]";
        while (true)
        {
            var replies = chat.Replies;
            var gotAck = replies.Any(r => r.Contains(ack, StringComparison.Ordinal));
            var gotPong = replies.Any(r => r.Contains(pong, StringComparison.Ordinal));
            if (gotAck && gotPong) break;
            var left = bound - watch.Elapsed;
            if (left <= TimeSpan.Zero || chat.Closed)
                return Fail($"{Phase}: main did not answer ping {n} within {bound.TotalSeconds:0} s " +
                    $"(agent answer {(gotAck ? "came" : "missing")}, IPC message {(gotPong ? "came" : "missing")}{(chat.Closed ? ", chat closed" : "")})");
            await chat.WaitForRepliesAsync(replies.Count + 1, left);
        }
        lock (latencies)
        {
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            slowest.Add((watch.Elapsed.TotalMilliseconds, Phase, n));
            slowest.Sort((a, b) => b.Ms.CompareTo(a.Ms));
            if (slowest.Count > 3) slowest.RemoveAt(3);
        }
        return true;
    }

    /// <summary>Pings continuously (a short pause between pings keeps the load modest) until stopped or failed.</summary>
    public void Start(ChatSession chat)
    {
        stop = new CancellationTokenSource();
        var token = stop.Token;
        loop = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested && await PingAsync(chat))
            {
                try
                {
                    await Task.Delay(150, token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
    }

    /// <summary>Waits until <paramref name="count"/> more pings were answered (the daemon kept serving through a phase).</summary>
    public async Task AnsweredMoreAsync(int count)
    {
        var target = Answered + count;
        while (Answered < target && !Failed && loop is { IsCompleted: false })
            await Task.WhenAny(loop, Task.Delay(50));
    }

    /// <summary>Stops after the ping in flight (which still has to come back).</summary>
    public async Task StopAsync()
    {
        if (stop is null || loop is null) return;
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
        stop = null;
        loop = null;
    }

    private bool Fail(string failure)
    {
        lock (failures) failures.Add(failure);
        return false;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
