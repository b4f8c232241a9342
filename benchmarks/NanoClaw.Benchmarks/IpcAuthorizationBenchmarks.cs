using BenchmarkDotNet.Attributes;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Ipc;
using static LanguageExt.Prelude;

namespace NanoClaw.Benchmarks;

/// <summary>IPC authorisation (from the core-rules branch): a non-main group's requests against 50 groups and 100 tasks.</summary>
[MemoryDiagnoser]
public class IpcAuthorizationBenchmarks
{
    private IpcContext _ctx = null!;
    private IpcRequest _ownChat = null!;
    private IpcRequest _otherChat = null!;
    private IpcRequest _schedule = null!;

    [GlobalSetup]
    public void Setup()
    {
        var groups = toMap(Enumerable.Range(0, 50).Select(i => ($"g{i}@g.us", BenchData.Group($"g{i}@g.us", $"g{i}"))));
        var tasks = toMap(Enumerable.Range(0, 100).Select(i => ($"t{i}", new ScheduledTask(
            $"t{i}", $"g{i % 50}", $"g{i % 50}@g.us", "report", ScheduleType.Interval, "60000", ContextMode.Group, None,
            Some("2026-01-31T15:00:00.000Z"), None, None, NanoClaw.Core.Domain.TaskStatus.Active, "2026-01-01T00:00:00.000Z"))));
        _ctx = new IpcContext("g7", false, groups, tasks, BenchData.Zone, BenchData.Start, "new-task");
        _ownChat = new IpcRequest.SendMessage("g7@g.us", "hello", None);
        _otherChat = new IpcRequest.SendMessage("g8@g.us", "sneaky", None);
        _schedule = new IpcRequest.ScheduleTask("daily digest", ScheduleType.Cron, "0 9 * * *", ContextMode.Group, "g7@g.us", None);
    }

    [Benchmark]
    public bool Authorize_send_to_own_chat() => IpcAuthorizer.Authorize(_ctx, _ownChat).IsRight;

    [Benchmark]
    public bool Refuse_send_to_other_chat() => IpcAuthorizer.Authorize(_ctx, _otherChat).IsLeft;

    [Benchmark]
    public bool Authorize_schedule_cron_task() => IpcAuthorizer.Authorize(_ctx, _schedule).IsRight;
}
