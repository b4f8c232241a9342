using System.Diagnostics;
using System.Text.Json;
using Dapper;
using NanoClaw.Tests.Fault;
using Xunit.Abstractions;

namespace NanoClaw.Tests.Load;

/// <summary>
/// 200 groups, a burst of one message each and 100 due tasks at once, through a real daemon and the fake runtime:
/// the container cap holds, every group is served, every task runs exactly once, memory stays bounded.
/// </summary>
[Trait("Category", "Load")]
public sealed class TwoHundredGroupsLoadTests(ITestOutputHelper output)
{
    private const int Groups = 200;
    private const int Tasks = 100;
    private const int Cap = 5;

    [Fact]
    public async Task Two_hundred_groups_with_messages_and_tasks_stay_under_the_cap()
    {
        await using var daemon = new DaemonHarness(maxConcurrent: Cap, env: new Dictionary<string, string>
        {
            ["FAKE_RUNTIME_MODE"] = "exit-after-turn",
            ["FAKE_RUNTIME_DELAY_MS"] = "40",
        });
        await daemon.StartAsync();
        var rss = new List<long>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                if (Rss(daemon.Pid) is { } kb) lock (rss) rss.Add(kb);
                try { await Task.Delay(200, sampling.Token); } catch (OperationCanceledException) { }
            }
        });
        var baseline = Rss(daemon.Pid) ?? 0;

        for (var i = 0; i < Groups; i++)
            Ipc(daemon, "main", $"reg{i}", new { type = "register_group", jid = $"local:g{i}", name = $"G{i}", folder = $"g{i}", trigger = "@Andy", requiresTrigger = false });
        await WaitUntil(() => Count(daemon, "SELECT COUNT(*) FROM registered_groups") == Groups + 1, TimeSpan.FromSeconds(60), "registration");

        // Tasks due a few seconds from now, all at the same minute; then a burst of one message per group.
        var due = DateTime.UtcNow.AddSeconds(4).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < Tasks; i++)
            Ipc(daemon, "main", $"task{i}", new { type = "schedule_task", prompt = $"task for g{i * 2}", schedule_type = "once", schedule_value = due, targetJid = $"local:g{i * 2}" });
        await WaitUntil(() => Count(daemon, "SELECT COUNT(*) FROM scheduled_tasks") == Tasks, TimeSpan.FromSeconds(30), "tasks stored");

        var clock = Stopwatch.StartNew();
        await using (var chat = await ChatSession.OpenAsync(daemon))
        {
            for (var i = 0; i < Groups; i++) await chat.SendAsync($"g{i}", $"burst message for g{i}");
            await WaitUntil(() => Count(daemon, "SELECT COUNT(*) FROM messages WHERE chat_jid LIKE 'local:g%'") == Groups, TimeSpan.FromSeconds(30), "burst stored");
        }
        await WaitUntil(() => AllServed(daemon) && Count(daemon, "SELECT COUNT(*) FROM task_run_logs") >= Tasks,
            TimeSpan.FromSeconds(120), "every group served and every task run");
        var elapsed = clock.Elapsed;
        await Task.Delay(2000); // anything running twice would show up now
        await sampling.CancelAsync();
        await sampler;

        var events = daemon.RuntimeEvents();
        var starts = events.Where(e => e.Event == "start").ToList();
        var peak = daemon.PeakConcurrentContainers();
        using var db = daemon.OpenDb();
        var runsPerTask = db.Query<(string Id, long Runs)>("SELECT t.id, (SELECT COUNT(*) FROM task_run_logs l WHERE l.task_id = t.id) FROM scheduled_tasks t").ToList();
        var served = Enumerable.Range(0, Groups).Count(i => Directory.GetFiles(daemon.CaptureDir, $"nanoclaw-g{i}-*")
            .Any(f => File.ReadAllText(f).Contains($"burst message for g{i}", StringComparison.Ordinal)));
        var maxRss = rss.Count > 0 ? rss.Max() : 0;
        output.WriteLine($"{Groups} groups, {Tasks} tasks, cap {Cap}: {starts.Count} containers in {elapsed.TotalSeconds:0.0} s, peak concurrent {peak}; "
            + $"groups served {served}/{Groups}; task runs {runsPerTask.Sum(t => t.Runs)} (min {runsPerTask.Min(t => t.Runs)}, max {runsPerTask.Max(t => t.Runs)}); "
            + $"RSS baseline {baseline / 1024} MB, max {maxRss / 1024} MB, end {(rss.Count > 0 ? rss[^1] : 0) / 1024} MB");

        Assert.InRange(peak, 1, Cap);
        Assert.Equal(Groups, served);
        Assert.All(runsPerTask, t => Assert.Equal(1, t.Runs));
        Assert.Equal(Tasks, db.ExecuteScalar<long>("SELECT COUNT(*) FROM scheduled_tasks WHERE status = 'completed'"));
        Assert.True(maxRss < 600 * 1024, $"daemon RSS reached {maxRss / 1024} MB");
        Assert.True(daemon.IsRunning);
    }

    private static bool AllServed(DaemonHarness daemon)
    {
        using var db = daemon.OpenDb();
        var cursors = db.ExecuteScalar<string?>("SELECT value FROM router_state WHERE key='last_agent_timestamp'");
        if (cursors is null) return false;
        var map = JsonSerializer.Deserialize<Dictionary<string, string>>(cursors)!;
        var last = db.Query<(string Jid, string Ts)>("SELECT chat_jid, MAX(timestamp) FROM messages WHERE chat_jid LIKE 'local:g%' GROUP BY chat_jid").ToList();
        return last.Count == Groups && last.All(l => map.TryGetValue(l.Jid, out var c) && c == l.Ts);
    }

    private static long? Rss(int? pid)
    {
        if (pid is null) return null;
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void Ipc(DaemonHarness daemon, string folder, string name, object request)
    {
        var dir = Path.Combine(daemon.IpcDir, folder, "tasks");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, name + ".json.tmp"), JsonSerializer.Serialize(request));
        File.Move(Path.Combine(dir, name + ".json.tmp"), Path.Combine(dir, name + ".json"));
    }

    private static long Count(DaemonHarness daemon, string sql)
    {
        using var c = daemon.OpenDb();
        return c.ExecuteScalar<long>(sql);
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(250);
        }
    }
}
