using NanoClaw.Shell.Daemon;
using NanoClaw.Tests.Shell.Containers;

namespace NanoClaw.Tests.Shell.Daemon;

/// <summary>The per-group worker that keeps file work on agent directories off the event loop.</summary>
public sealed class GroupWorkQueueTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly ListSink sink = new();

    [Fact]
    public async Task Work_for_one_group_runs_in_the_order_it_was_queued()
    {
        var queue = new GroupWorkQueue(sink.Logger());
        var seen = new List<int>();
        Task last = Task.CompletedTask;
        for (var i = 0; i < 200; i++)
        {
            var n = i;
            last = queue.Enqueue("fam", () => { lock (seen) seen.Add(n); });
        }
        await last.WaitAsync(Limit);
        Assert.Equal(Enumerable.Range(0, 200), seen);
    }

    [Fact]
    public async Task A_group_stuck_in_its_files_delays_only_itself()
    {
        var queue = new GroupWorkQueue(sink.Logger());
        using var gate = new ManualResetEventSlim();
        var order = new List<string>();
        var stuck = queue.Enqueue("attacker", () => { gate.Wait(Limit); lock (order) order.Add("attacker-1"); });
        var after = queue.Enqueue("attacker", () => { lock (order) order.Add("attacker-2"); });

        await queue.Enqueue("other", () => { lock (order) order.Add("other"); }).WaitAsync(Limit);
        Assert.False(stuck.IsCompleted);
        Assert.False(after.IsCompleted);

        gate.Set();
        await after.WaitAsync(Limit);
        Assert.Equal(["other", "attacker-1", "attacker-2"], order);
    }

    [Fact]
    public async Task An_item_waiting_on_a_task_holds_its_group_s_later_work_and_no_other_group_s()
    {
        // A container start waits for the runtime this way at boot (DecisionPerformer.RuntimeReady).
        var queue = new GroupWorkQueue(sink.Logger());
        var ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();
        var waiting = queue.Enqueue("fam", async () => { var up = await ready.Task; lock (order) order.Add($"start:{up}"); });
        var input = queue.Enqueue("fam", () => { lock (order) order.Add("input"); });

        await queue.Enqueue("other", () => { lock (order) order.Add("other"); }).WaitAsync(Limit);
        Assert.False(waiting.IsCompleted);
        Assert.False(input.IsCompleted);

        ready.SetResult(true);
        await input.WaitAsync(Limit);
        Assert.Equal(["other", "start:True", "input"], order);
    }

    [Fact]
    public async Task A_failing_asynchronous_item_is_logged_and_the_next_one_still_runs()
    {
        var queue = new GroupWorkQueue(sink.Logger());
        var failed = queue.Enqueue("fam", async () => { await Task.Yield(); throw new IOException("runtime vanished"); });
        var ran = false;
        await queue.Enqueue("fam", () => ran = true).WaitAsync(Limit);

        Assert.True(failed.IsCompletedSuccessfully);
        Assert.True(ran);
        Assert.Contains(sink.Messages, m => m.Contains("runtime vanished") && m.Contains("fam"));
    }

    [Fact]
    public async Task A_failing_item_is_logged_and_the_next_one_still_runs()
    {
        var queue = new GroupWorkQueue(sink.Logger());
        var failed = queue.Enqueue("fam", () => throw new IOException("input is a FIFO"));
        var ran = false;
        await queue.Enqueue("fam", () => ran = true).WaitAsync(Limit);

        Assert.True(failed.IsCompletedSuccessfully);
        Assert.True(ran);
        Assert.Contains(sink.Messages, m => m.Contains("input is a FIFO") && m.Contains("fam"));
    }
}
