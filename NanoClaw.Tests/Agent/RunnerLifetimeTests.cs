using Microsoft.Extensions.Time.Testing;
using NanoClaw.AgentRunner.Ipc;
using NanoClaw.AgentRunner.Lifetime;

namespace NanoClaw.Tests.Agent;

/// <summary>The runner's own end (issue 20), piece by piece on the host: the idle limit and a vanished IPC directory.</summary>
public sealed class RunnerLifetimeTests : IDisposable
{
    private readonly string _ipc = Path.Combine(Path.GetTempPath(), "nanoclaw-lifetime-" + Guid.NewGuid().ToString("N")[..8]);

    private string Input => Path.Combine(_ipc, "input");

    public RunnerLifetimeTests() => Directory.CreateDirectory(Input);

    public void Dispose()
    {
        if (Directory.Exists(_ipc)) Directory.Delete(_ipc, recursive: true);
    }

    private Task<InputBatch> Wait(TimeSpan? limit, TimeProvider clock) =>
        new InputQueue(Input, Path.Combine(Input, "_close")).WaitAsync(limit, () => HostSide.GoneReason(_ipc, Input), clock, CancellationToken.None);

    [Fact]
    public async Task Waiting_gives_up_once_the_idle_limit_has_passed_and_not_before()
    {
        var clock = new FakeTimeProvider();
        var waiting = Wait(TimeSpan.FromSeconds(10), clock);
        clock.Advance(TimeSpan.FromSeconds(9));
        var early = await Task.WhenAny(waiting, Task.Delay(1500)); // three polls
        Assert.NotSame(waiting, early);

        clock.Advance(TimeSpan.FromSeconds(2));
        var batch = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(batch.Messages);
        Assert.False(batch.Close);
        Assert.StartsWith("no input and no _close for 11 s (idle timeout plus margin: 10 s)", batch.GaveUp);
    }

    [Fact]
    public async Task Input_before_the_limit_is_delivered_as_usual()
    {
        var clock = new FakeTimeProvider();
        var waiting = Wait(TimeSpan.FromSeconds(10), clock);
        // As the host writes input: whole, then renamed into place.
        File.WriteAllText(Path.Combine(Input, "1.json.tmp"), """{"type":"message","text":"hello"}""");
        File.Move(Path.Combine(Input, "1.json.tmp"), Path.Combine(Input, "1.json"));
        var batch = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["hello"], batch.Messages);
        Assert.Null(batch.GaveUp);
    }

    [Fact]
    public async Task A_deleted_ipc_directory_ends_the_wait_with_the_reason()
    {
        var waiting = Wait(null, TimeProvider.System);
        Directory.Delete(_ipc, recursive: true);
        var batch = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains($"the IPC directory {_ipc} is gone", batch.GaveUp);
    }
}
