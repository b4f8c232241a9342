using System.Diagnostics;
using System.Text.RegularExpressions;
using Dapper;
using Xunit.Abstractions;

namespace NanoClaw.Tests.Fault;

/// <summary>
/// SIGKILL of the daemon at random points of a scripted conversation, many times over the same project: every stored
/// message is eventually answered (no lost batch) and no two delivered replies answer the same message (no duplicate).
/// </summary>
[Trait("Category", "Fault")]
public sealed partial class KillRecoveryTests(ITestOutputHelper output)
{
    private const int Runs = 20;

    [Fact]
    public async Task Sigkill_at_random_points_loses_no_batch_and_duplicates_no_reply()
    {
        // One turn per container, so every batch shows up as one container's stdin.
        await using var daemon = new DaemonHarness(env: new Dictionary<string, string>
        {
            ["FAKE_RUNTIME_MODE"] = "exit-after-turn",
            ["FAKE_RUNTIME_DELAY_MS"] = "200",
        });
        var seed = Environment.TickCount;
        var rng = new Random(seed);
        output.WriteLine($"seed {seed}");
        var received = new List<string>();
        var sent = 0;
        var clock = Stopwatch.StartNew();

        for (var run = 0; run < Runs; run++)
        {
            await daemon.StartAsync();
            var killAt = TimeSpan.FromMilliseconds(rng.Next(50, 2500));
            var alive = Stopwatch.StartNew();
            await using (var chat = await ChatSession.OpenAsync(daemon))
            {
                while (alive.Elapsed < killAt)
                {
                    var before = chat.Replies.Count;
                    await chat.SendAsync("main", $"Q{sent++:D3} question");
                    var left = killAt - alive.Elapsed;
                    if (left > TimeSpan.Zero) await chat.WaitForRepliesAsync(before + 1, left < TimeSpan.FromSeconds(3) ? left : TimeSpan.FromSeconds(3));
                }
                await daemon.KillAsync();
                await Task.Delay(100);
                received.AddRange(chat.Replies);
            }
        }

        // A last, undisturbed run: recovery finishes, one more exchange, clean stop.
        await daemon.StartAsync();
        await using (var chat = await ChatSession.OpenAsync(daemon))
        {
            await chat.SendAsync("main", $"Q{sent++:D3} final");
            await WaitUntil(() => AllAnswered(daemon), TimeSpan.FromSeconds(60));
            await chat.WaitForRepliesAsync(1, TimeSpan.FromSeconds(10));
            await Task.Delay(500);
            received.AddRange(chat.Replies);
        }
        Assert.Equal(0, await daemon.StopAsync());

        using var db = daemon.OpenDb();
        var stored = db.Query<string>("SELECT content FROM messages WHERE chat_jid='local:main' AND is_bot_message=0").Select(QuestionId).ToList();
        var events = daemon.RuntimeEvents();
        var answered = events.Where(e => e.Event == "idle").Select(e => e.Name).ToHashSet();
        var prompts = Directory.GetFiles(daemon.CaptureDir).ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => QuestionIds(File.ReadAllText(f)));

        // No lost batch: every stored message reached a container that finished its turn.
        var lost = stored.Where(q => !prompts.Any(p => answered.Contains(p.Key) && p.Value.Contains(q))).ToList();
        // No duplicate reply: no message is covered by two delivered replies.
        var deliveredBy = received.Select(r => ContainerOf().Match(r)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        var coverage = deliveredBy.Where(prompts.ContainsKey).SelectMany(name => prompts[name]).GroupBy(q => q).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        output.WriteLine($"{Runs} SIGKILLs + 1 clean run in {clock.Elapsed.TotalSeconds:0} s; {sent} messages sent, {stored.Count} stored, "
            + $"{events.Count(e => e.Event == "start")} containers, {answered.Count} turns finished, {received.Count} replies delivered to the client");
        output.WriteLine($"lost batches: {lost.Count} [{string.Join(",", lost)}]; duplicate replies: {coverage.Count} [{string.Join(",", coverage)}]; "
            + $"accepted but not stored (killed between the local chat's ack and the store): {sent - stored.Count}");
        foreach (var q in lost.Take(3))
            output.WriteLine($"{q}: in prompts of [{string.Join(", ", prompts.Where(p => p.Value.Contains(q)).Select(p => $"{p.Key} ({string.Join("/", events.Where(e => e.Name == p.Key).Select(e => e.Event + e.Extra))})"))}]");
        Assert.Empty(lost);
        Assert.Empty(coverage);
        Assert.Equal(deliveredBy.Count, deliveredBy.Distinct().Count());
    }

    private static bool AllAnswered(DaemonHarness daemon)
    {
        using var db = daemon.OpenDb();
        var last = db.ExecuteScalar<string?>("SELECT MAX(timestamp) FROM messages WHERE chat_jid='local:main' AND is_bot_message=0");
        var cursors = db.ExecuteScalar<string?>("SELECT value FROM router_state WHERE key='last_agent_timestamp'");
        return last is not null && cursors is not null
            && System.Text.Json.Nodes.JsonNode.Parse(cursors)?["local:main"]?.GetValue<string>() == last;
    }

    private static string QuestionId(string content) => QuestionPattern().Match(content).Value;

    private static HashSet<string> QuestionIds(string prompt) => QuestionPattern().Matches(prompt).Select(m => m.Value).ToHashSet();

    [GeneratedRegex(@"Q\d{3}")]
    private static partial Regex QuestionPattern();

    [GeneratedRegex(@"from (nanoclaw-\S+)")]
    private static partial Regex ContainerOf();

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("not every message was answered in time");
            await Task.Delay(200);
        }
    }
}
