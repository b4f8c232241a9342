using BenchmarkDotNet.Attributes;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Ipc;
using static LanguageExt.Prelude;

namespace NanoClaw.Benchmarks;

/// <summary>
/// An IPC file's text to an authorised effect, as the daemon does for every file: parse (IpcParser) then authorise
/// (IpcAuthorizer) for a non-main group against 50 groups and 100 tasks.
/// </summary>
[MemoryDiagnoser]
public class IpcParseAuthorizeBenchmarks
{
    private const string SendMessage = """{"type":"message","chatJid":"g7@g.us","text":"The report is ready: 3 items need you today.","groupFolder":"g7","timestamp":"2026-01-31T14:00:00.000Z"}""";
    private const string ScheduleTask = """{"type":"schedule_task","prompt":"Summarise my inbox","schedule_type":"cron","schedule_value":"0 9 * * 1-5","context_mode":"group","targetJid":"g7@g.us"}""";
    private const string PauseOther = """{"type":"pause_task","taskId":"t8"}""";
    private IpcContext ctx = null!;

    [GlobalSetup]
    public void Setup()
    {
        var groups = toMap(Enumerable.Range(0, 50).Select(i => ($"g{i}@g.us", BenchData.Group($"g{i}@g.us", $"g{i}"))));
        var tasks = toMap(Enumerable.Range(0, 100).Select(i => ($"t{i}", new ScheduledTask(
            $"t{i}", $"g{i % 50}", $"g{i % 50}@g.us", "report", ScheduleType.Interval, "60000", ContextMode.Group, None,
            Some("2026-01-31T15:00:00.000Z"), None, None, NanoClaw.Core.Domain.TaskStatus.Active, "2026-01-01T00:00:00.000Z"))));
        ctx = new IpcContext("g7", false, groups, tasks, BenchData.Zone, BenchData.Start, "new-task");
    }

    [Benchmark]
    public bool Message_file_to_own_chat() => IpcParser.ParseMessage(SendMessage).Bind(r => IpcAuthorizer.Authorize(ctx, r)).IsRight;

    [Benchmark]
    public bool Schedule_cron_task_file() => IpcParser.ParseTask(ScheduleTask).Bind(r => IpcAuthorizer.Authorize(ctx, r)).IsRight;

    [Benchmark]
    public bool Refused_pause_of_other_groups_task() => IpcParser.ParseTask(PauseOther).Bind(r => IpcAuthorizer.Authorize(ctx, r)).IsLeft;
}
