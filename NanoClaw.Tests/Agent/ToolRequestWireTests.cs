using NanoClaw.AgentRunner.Mcp;
using NanoClaw.Core.Ipc;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Agent;

/// <summary>What the agent's tools write is exactly what the host's IPC parser reads.</summary>
public sealed class ToolRequestWireTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 31, 14, 32, 0, TimeSpan.Zero);
    private static readonly ToolContext Main = new("15550001111@s.whatsapp.net", "main", true, "/ipc", TimeZoneInfo.Utc);

    private static string Json(LanguageExt.Either<string, NanoClaw.AgentRunner.Mcp.IpcRequest> request) =>
        request.Match(r => r.Body.ToJsonString(), e => throw new Xunit.Sdk.XunitException("refused: " + e));

    [Fact]
    public void The_host_parses_a_message_file()
    {
        var parsed = IpcParser.ParseMessage(Json(ToolRequests.SendMessage(Main, "hello", "Bot", Now)));
        Assert.True(parsed.IsRight, parsed.Match(_ => "", e => e));
    }

    [Fact]
    public void The_host_parses_every_task_file()
    {
        var requests = new[]
        {
            ToolRequests.ScheduleTask(Main, "p", "cron", "0 9 * * *", "isolated", "120363000000000001@g.us", Now),
            ToolRequests.ScheduleTask(Main, "p", "once", "2026-02-01T15:30:00", null, null, Now),
            ToolRequests.TaskCommand(Main, "pause_task", "t1", Now),
            ToolRequests.TaskCommand(Main, "resume_task", "t1", Now),
            ToolRequests.TaskCommand(Main, "cancel_task", "t1", Now),
            ToolRequests.UpdateTask(Main, "t1", "new prompt", "interval", "60000", None, Now),
            ToolRequests.RegisterGroup(Main, "120363000000000001@g.us", "Family", "family", "@Andy", false, Now),
        };
        foreach (var request in requests)
        {
            var json = Json(request);
            var parsed = IpcParser.ParseTask(json);
            Assert.True(parsed.IsRight, json + " → " + parsed.Match(_ => "", e => e));
        }
    }
}
