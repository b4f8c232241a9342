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
public sealed partial class TwoHundredGroupsLoadTests(ITestOutputHelper output)
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
        await daemon.WaitForOutputAsync(lines => lines.Count(l => l.Contains("Registered group G", StringComparison.Ordinal)) == Groups,
            TimeSpan.FromSeconds(60), "registration");

        // Tasks due a few seconds from now, all at the same minute; then a burst of one message per group.
        var due = DateTime.UtcNow.AddSeconds(4).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < Tasks; i++)
            Ipc(daemon, "main", $"task{i}", new { type = "schedule_task", prompt = $"task for g{i * 2}", schedule_type = "once", schedule_value = due, targetJid = $"local:g{i * 2}" });
        await daemon.WaitForOutputAsync(lines => lines.Count(l => l.Contains("IPC CreateTask from main", StringComparison.Ordinal)) == Tasks,
            TimeSpan.FromSeconds(30), "tasks accepted");

        var clock = Stopwatch.StartNew();
        await using (var chat = await ChatSession.OpenAsync(daemon))
        {
            for (var i = 0; i < Groups; i++) await chat.SendAsync($"g{i}", $"burst message for g{i}");
            await chat.WaitForFramesAsync("accepted", Groups, TimeSpan.FromSeconds(30)); // "accepted" = stored
        }
        // Served: each group's burst container ended (even groups also ran their task's container), every task
        // finished, and every container that started has ended, so a second run of anything would already have started.
        await daemon.WaitForOutputAsync(lines => EveryGroupAndTaskRan(lines) && AllStartedContainersEnded(lines),
            TimeSpan.FromSeconds(120), "every group served and every task run");
        var elapsed = clock.Elapsed;
        Assert.True(AllServed(daemon), "a group's agent cursor did not reach its last message");
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

    private static bool EveryGroupAndTaskRan(IReadOnlyList<string> lines)
    {
        var ended = lines.Select(l => EndedLine().Match(l)).Where(m => m.Success).GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => g.Count());
        var tasksFinished = lines.Count(l => l.Contains("Task ", StringComparison.Ordinal) && l.Contains(" finished: ", StringComparison.Ordinal));
        return tasksFinished >= Tasks
            && Enumerable.Range(0, Groups).All(i => ended.GetValueOrDefault($"g{i}") >= (i % 2 == 0 && i / 2 < Tasks ? 2 : 1));
    }

    private static bool AllStartedContainersEnded(IReadOnlyList<string> lines) =>
        lines.Count(l => l.Contains("Started nanoclaw-", StringComparison.Ordinal)) == lines.Count(l => EndedLine().IsMatch(l));

    [System.Text.RegularExpressions.GeneratedRegex(@"Container nanoclaw-(g\d+)-\S+ ended")]
    private static partial System.Text.RegularExpressions.Regex EndedLine();

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
}
