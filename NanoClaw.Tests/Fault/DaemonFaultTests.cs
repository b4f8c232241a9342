using System.Text.Json.Nodes;
using Dapper;
using NanoClaw.Tests.EndToEnd;
using Xunit.Abstractions;

namespace NanoClaw.Tests.Fault;

/// <summary>Faults around a running daemon: late runtime, dying containers, a busy database.</summary>
[Trait("Category", "Fault")]
public sealed class DaemonFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Runtime_unavailable_at_boot_is_waited_for()
    {
        await using var daemon = new DaemonHarness();
        // A runtime whose `info` fails the first 2 times (still booting), then answers.
        var wrapper = Path.Combine(daemon.Root, "late-runtime");
        var counter = Path.Combine(daemon.Root, "info-calls");
        File.WriteAllText(wrapper, $$"""
            #!/usr/bin/env bash
            if [[ "$1" == info ]]; then
              echo x >> '{{counter}}'
              if (( $(wc -l < '{{counter}}') <= 2 )); then echo "Cannot connect to the runtime socket" >&2; exit 125; fi
            fi
            exec '{{DaemonHarness.FakeRuntimePath}}' "$@"
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        daemon.Env["NANOCLAW_CONTAINER_EXECUTABLE"] = wrapper;

        await daemon.StartAsync(TimeSpan.FromSeconds(90));
        // The chat does not wait for the runtime (session 27): a message sent while it is still down is answered once it is up.
        await using var chat = await ChatSession.OpenAsync(daemon);
        await chat.SendAsync("main", "are you there?");
        Assert.Single(await chat.WaitForRepliesAsync(1, TimeSpan.FromSeconds(60)));

        // The first-run guide may ask once too; the daemon itself must have waited through at least one failure.
        Assert.True(File.ReadAllLines(counter).Length >= 3);
        Assert.Contains("not ready (attempt 1", daemon.Output, StringComparison.Ordinal);
        var up = System.Text.RegularExpressions.Regex.Match(daemon.Output, @"is up \(attempt (\d+)\)");
        Assert.True(up.Success && int.Parse(up.Groups[1].Value) >= 2, daemon.Output);
        Assert.True(daemon.Output.IndexOf("NanoClaw running", StringComparison.Ordinal) < up.Index, daemon.Output);
    }

    [Fact]
    public async Task The_chat_is_up_before_the_orphans_are_stopped_but_no_container_starts_before_they_are()
    {
        await using var daemon = new DaemonHarness();
        // A runtime whose `ps` is slow and lists one leftover container of this installation (its mount is under our
        // data directory). Every call is recorded in order.
        var wrapper = Path.Combine(daemon.Root, "slow-ps-runtime");
        var calls = Path.Combine(daemon.Root, "calls");
        var released = Path.Combine(daemon.Root, "release-ps");
        File.WriteAllText(wrapper, $$"""
            #!/usr/bin/env bash
            echo "$1 ${@: -1}" >> '{{calls}}'
            case "$1" in
              ps) for _ in $(seq 600); do [[ -e '{{released}}' ]] && break; sleep 0.05; done; echo nanoclaw-main-1700000000000; exit 0 ;;
              inspect) echo '{{daemon.DataDir}}/ipc/main'; exit 0 ;;
              stop|kill) [[ "${@: -1}" == nanoclaw-main-1700000000000 ]] && exit 0 ;;
            esac
            exec '{{DaemonHarness.FakeRuntimePath}}' "$@"
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        daemon.Env["NANOCLAW_CONTAINER_EXECUTABLE"] = wrapper;

        await daemon.StartAsync(TimeSpan.FromSeconds(90));
        await using var chat = await ChatSession.OpenAsync(daemon);
        await chat.SendAsync("main", "hello while the orphans are still being listed");
        // The daemon is running and took the message; the orphan listing has not answered yet.
        await Eventually.TrueAsync(() => File.Exists(calls) && File.ReadAllLines(calls).Any(c => c.StartsWith("ps ", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), () => "no ps call");
        Assert.DoesNotContain(File.ReadAllLines(calls), c => c.StartsWith("run ", StringComparison.Ordinal));

        File.WriteAllText(released, "");
        Assert.Single(await chat.WaitForRepliesAsync(1, TimeSpan.FromSeconds(60)));
        var made = File.ReadAllLines(calls).ToList();
        var stop = made.FindIndex(c => c == "stop nanoclaw-main-1700000000000");
        var run = made.FindIndex(c => c.StartsWith("run ", StringComparison.Ordinal));
        Assert.True(stop >= 0 && run > stop, string.Join("\n", made));
        Assert.Contains("Stopped 1 orphaned containers: nanoclaw-main-1700000000000", daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Container_dying_mid_record_is_retried_with_backoff_and_answers_once()
    {
        await using var daemon = new DaemonHarness(env: new Dictionary<string, string>
        {
            ["FAKE_RUNTIME_MODE"] = "die-mid-record",
            ["FAKE_RUNTIME_FAIL_FIRST"] = "1",
        });
        await daemon.StartAsync();
        await using var chat = await ChatSession.OpenAsync(daemon);
        await chat.SendAsync("main", "please answer once");
        var replies = await chat.WaitForRepliesAsync(1, TimeSpan.FromSeconds(40));
        await Task.Delay(1000);

        Assert.Single(chat.Replies);
        Assert.DoesNotContain("half a rec", replies[0], StringComparison.Ordinal);
        var events = daemon.RuntimeEvents();
        var starts = events.Where(e => e.Event == "start").ToList();
        Assert.Equal(2, starts.Count);
        var died = events.First(e => e.Event == "exit" && e.Name == starts[0].Name);
        Assert.Equal("137", died.Extra);
        var gap = starts[1].Ms - died.Ms;
        output.WriteLine($"retry after {gap:0} ms");
        Assert.InRange(gap, 4500, 20000); // the first backoff step is 5 s
        // The cursor was rolled back: the retry got the same message.
        foreach (var s in starts)
            Assert.Contains("please answer once", File.ReadAllText(Path.Combine(daemon.CaptureDir, s.Name + ".json")), StringComparison.Ordinal);
        Assert.Contains("retry 1", daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_writer_holding_the_database_briefly_delays_but_loses_nothing()
    {
        await using var daemon = new DaemonHarness();
        await daemon.StartAsync();
        await using var chat = await ChatSession.OpenAsync(daemon);
        await chat.SendAsync("main", "first");
        await chat.WaitForRepliesAsync(1, TimeSpan.FromSeconds(30));

        // Another process's write lock held for 3 s while messages arrive.
        using var other = daemon.OpenDb();
        using var tx = other.BeginTransaction(System.Data.IsolationLevel.Serializable);
        other.Execute("INSERT OR REPLACE INTO router_state (key, value) VALUES ('fault-test', 'locked')", transaction: tx);
        var held = Task.Run(async () =>
        {
            await Task.Delay(3000);
            tx.Commit();
        });
        for (var i = 0; i < 3; i++) await chat.SendAsync("main", $"during lock {i}");
        await held;

        await chat.WaitForRepliesAsync(2, TimeSpan.FromSeconds(40));
        await Task.Delay(2000);
        using var c = daemon.OpenDb();
        var stored = c.Query<string>("SELECT content FROM messages WHERE chat_jid='local:main' ORDER BY timestamp").ToList();
        Assert.Equal(["first", "during lock 0", "during lock 1", "during lock 2"], stored);
        // All three reached an agent (stdin of a new container or piped input), and the daemon is still answering.
        var given = Directory.GetFiles(daemon.CaptureDir).Sum(f => File.ReadAllText(f).Split("during lock").Length - 1)
            + daemon.RuntimeEvents().Count(e => e.Event == "input");
        Assert.True(given >= 1, "no agent got the messages sent during the lock");
        Assert.True(daemon.IsRunning);
        await chat.SendAsync("main", "after");
        Assert.True((await chat.WaitForRepliesAsync(chat.Replies.Count + 1, TimeSpan.FromSeconds(30))).Count >= 3);
        var cursor = c.ExecuteScalar<string>("SELECT value FROM router_state WHERE key='last_agent_timestamp'");
        var last = c.ExecuteScalar<string>("SELECT MAX(timestamp) FROM messages WHERE chat_jid='local:main'");
        await Task.Delay(500);
        cursor = c.ExecuteScalar<string>("SELECT value FROM router_state WHERE key='last_agent_timestamp'");
        Assert.Equal(last, (string?)JsonNode.Parse(cursor!)!["local:main"]);
    }
}
