using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using NanoClaw.Core.Containers;
using NanoClaw.Shell.Containers;
using NanoClaw.Tests.Support;
using Xunit.Abstractions;
using static NanoClaw.Tests.Shell.Containers.ContainerTestData;

namespace NanoClaw.Tests.Shell.Containers;

/// <summary>
/// Issue 14 item 3 (F7): every limit against real Podman and the test image. A container past its memory or pids
/// limit is contained, stopped and reported while another group's run goes on; one that keeps printing records is
/// still stopped at the absolute maximum run time.
/// </summary>
[Trait("Category", "RealContainer")]
public sealed class ContainerLimitsRealTests : IDisposable
{
    private readonly TempProject project = new();
    private readonly ListSink sink = new();
    private readonly ITestOutputHelper output;
    private readonly List<string> started = [];

    public ContainerLimitsRealTests(ITestOutputHelper output)
    {
        this.output = output;
        if (Requirements.HasPodman) EnsureTestImage();
    }

    public void Dispose()
    {
        // Whatever happened, nothing this test started outlives it.
        foreach (var name in started) Podman("rm", "-f", "--ignore", "-t", "0", name);
        project.Dispose();
    }

    private ContainerRunner Runner(ContainerLimits limits, int maxRunMs, TimeProvider? time = null) =>
        new(new ContainerRuntime(ContainerCli.Podman, "podman", sink.Logger(), TimeProvider.System),
            project.Options() with { Limits = ContainerRunnerOptions.FitToHost(limits, Environment.ProcessorCount), MaxRunMs = maxRunMs }, s => s, sink.Logger(), time ?? TimeProvider.System);

    private ContainerRun Started(ContainerRunner runner, ContainerRunRequest request)
    {
        var run = runner.Start(request).Match(r => r, e => throw new Xunit.Sdk.XunitException("start refused: " + e));
        lock (started) started.Add(run.Name);
        return run;
    }

    /// <summary>Small limits so the tests hit them quickly; everything else as shipped.</summary>
    private static ContainerLimits Tight(string memory = "64m", int pids = 64) => ContainerLimits.Default with { Memory = memory, PidsLimit = pids, Cpus = "1" };

    [PodmanFact]
    public async Task The_default_flags_bound_the_container_and_leave_it_only_tmp_and_home_writable()
    {
        var run = Started(Runner(ContainerLimits.Default, 600_000), Request(Group("bounded"),
            "limits; tryro /etc/probe; tryro /usr/probe; write /tmp/t; write /home/node/h; echo"));
        var (records, result) = await Collect(run);
        var results = records.Select(r => r.Result.IfNone("")).ToList();
        output.WriteLine(string.Join("\n", results.Take(6)));

        Assert.Equal(OutputStatus.Success, result.Status);
        Assert.Equal($"memory={2L << 30} pids=512 caps=0000000000000000 nnp=1", results[0]);
        // (The group's own mount stays writable for the image's node user; the test image runs as root without
        // capabilities, so it cannot write there: ImageAgentRunnerTests cover that with the real image.)
        Assert.Equal(["READONLY /etc/probe", "READONLY /usr/probe", "wrote /tmp/t", "wrote /home/node/h"], results.Skip(1).Take(4));
        // The runner inside learns the host's timeouts (issue 20).
        var input = ContainerJson.ParseInput(results[5]).Match(i => i, e => throw new Xunit.Sdk.XunitException(e));
        Assert.Equal(1000, input.IdleTimeoutMs.IfNone(0));
        Assert.Equal(600_000, input.MaxRunMs.IfNone(0));
    }

    [PodmanFact]
    public async Task A_container_that_allocates_past_its_memory_limit_is_killed_and_reported_while_another_group_runs()
    {
        var runner = Runner(Tight(memory: "64m"), 600_000);
        var hog = Started(runner, Request(Group("hog"), "limits; alloc"));
        var other = Started(runner, Request(Group("neighbour"), "echo; sleep 1; echo"));

        var (hogRecords, hogResult) = await Collect(hog);
        var (otherRecords, otherResult) = await Collect(other);
        output.WriteLine($"hog: exit {hogResult.ExitCode}, {hogResult.Error.IfNone("")}");

        Assert.StartsWith($"memory={64L << 20} ", hogRecords[0].Result.IfNone(""));
        Assert.Equal(OutputStatus.Error, hogResult.Status);
        Assert.Equal(137, hogResult.ExitCode);
        Assert.False(hogResult.TimedOut);
        Assert.Contains("out of memory (container.memory is 64m)", hogResult.Error.IfNone(""));
        Assert.Equal(OutputStatus.Success, otherResult.Status);
        Assert.Equal(2, otherRecords.Count);
        Assert.Equal("", Podman("ps", "-a", "--filter", $"name={hog.Name}", "--format", "{{.Names}}").Out.Trim());
    }

    [PodmanFact]
    public async Task A_fork_bomb_stays_within_its_pids_limit_and_is_stopped_at_the_maximum_run_time_while_another_group_runs()
    {
        const int limit = 64;
        var runner = Runner(Tight(pids: limit), maxRunMs: 20_000);
        var bomb = Started(runner, Request(Group("bomb"), "limits; forkbomb"));
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = bomb.Outputs.Subscribe(r => first.TrySetResult(r.Result.IfNone("")));
        Assert.Contains($" pids={limit} ", await first.Task.WaitAsync(TimeSpan.FromSeconds(60)));

        // The bomb fills its limit and no more; meanwhile another group is served.
        var most = await MostProcesses(bomb.Name, until: n => n >= limit - 4);
        var (_, otherResult) = await Collect(Started(runner, Request(Group("neighbour"), "echo")));
        var result = await bomb.Completion.WaitAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"bomb: at most {most} processes; {result.Error.IfNone("")}");

        Assert.InRange(most, limit - 4, limit);
        Assert.Equal(OutputStatus.Success, otherResult.Status);
        Assert.Equal(OutputStatus.Error, result.Status);
        Assert.True(result.TimedOut);
        Assert.Contains("maximum run time of 20 s", result.Error.IfNone(""));
        Assert.Equal("", Podman("ps", "-a", "--filter", $"name={bomb.Name}", "--format", "{{.Names}}").Out.Trim());
    }

    [PodmanFact]
    public async Task A_container_that_keeps_printing_records_is_still_stopped_at_the_maximum_run_time()
    {
        // Fake time: 20 s pass after every record, so the hard timeout (31 s, restarted by each record) never fires
        // and only the maximum run time (100 s, never restarted) can end the run. Before F7's fix it ran for ever.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var run = Started(Runner(ContainerLimits.Default, maxRunMs: 100_000, time), Request(Group("chatty"), "records-forever"));
        var records = new SemaphoreSlim(0);
        using var sub = run.Outputs.Subscribe(_ => records.Release());
        var advanced = TimeSpan.Zero;
        bool Stopping() => sink.Messages.Any(m => m.StartsWith("Stopping container", StringComparison.Ordinal));
        while (!Stopping() && advanced < TimeSpan.FromSeconds(200))
        {
            Assert.True(await records.WaitAsync(TimeSpan.FromSeconds(60)), "records stopped coming before the maximum run time");
            while (records.CurrentCount > 0) await records.WaitAsync();
            time.Advance(TimeSpan.FromSeconds(20));
            advanced += TimeSpan.FromSeconds(20);
        }
        var result = await run.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(advanced > TimeSpan.FromSeconds(31 * 2), "the run must outlast the hard timeout several times over");
        Assert.InRange(advanced, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(120));
        Assert.True(result.TimedOut);
        Assert.True(result.HadOutput);
        Assert.Equal(OutputStatus.Error, result.Status);
        Assert.Contains("maximum run time of 100 s", result.Error.IfNone(""));
        Assert.Contains(sink.Messages, m => m.Contains("maximum run time"));
    }

    /// <summary>Polls the container's process count until <paramref name="until"/> holds; returns the most seen.</summary>
    private static async Task<int> MostProcesses(string name, Func<int, bool> until)
    {
        var most = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var (exit, text) = Podman("stats", "--no-stream", "--format", "{{.PIDs}}", name);
            if (exit == 0 && int.TryParse(text.Trim(), out var n))
            {
                most = Math.Max(most, n);
                if (until(most)) return most;
            }
            await Task.Delay(200);
        }
        return most;
    }
}
