using NanoClaw.Core.Domain;
using NanoClaw.Core.Ipc;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Ipc;

public class IpcParserTests
{
    private static IpcRequest Ok(LanguageExt.Either<string, IpcRequest> result) =>
        result.Match(r => r, reason => throw new Xunit.Sdk.XunitException($"expected a request, got: {reason}"));

    private static string Reason(LanguageExt.Either<string, IpcRequest> result) =>
        result.Match(r => throw new Xunit.Sdk.XunitException($"expected a refusal, got {r}"), reason => reason);

    [Fact]
    public void Reads_a_message_file_and_ignores_extra_fields()
    {
        var request = Ok(IpcParser.ParseMessage("""{"type":"message","chatJid":"123@g.us","text":"hello","groupFolder":"main","timestamp":"2026-01-31T14:32:00.000Z"}"""));
        Assert.Equal(new IpcRequest.SendMessage("123@g.us", "hello", None), request);
    }

    [Fact]
    public void Reads_the_optional_sender()
    {
        Assert.Equal(Some("Researcher"), ((IpcRequest.SendMessage)Ok(IpcParser.ParseMessage("""{"type":"message","chatJid":"c","text":"t","sender":"Researcher"}"""))).Sender);
        Assert.True(((IpcRequest.SendMessage)Ok(IpcParser.ParseMessage("""{"type":"message","chatJid":"c","text":"t","sender":null}"""))).Sender.IsNone);
    }

    [Theory]
    [InlineData("", "file is empty")]
    [InlineData("   ", "file is empty")]
    [InlineData("[1,2]", "file must hold a JSON object")]
    [InlineData("\"text\"", "file must hold a JSON object")]
    [InlineData("{\"chatJid\":\"c\",\"text\":\"t\"}", "'type' must be a non-empty string")]
    [InlineData("{\"type\":\"note\",\"chatJid\":\"c\",\"text\":\"t\"}", "unknown type 'note' (message files must have type 'message' or 'send_file')")]
    [InlineData("{\"type\":\"message\",\"text\":\"t\"}", "'chatJid' must be a non-empty string")]
    [InlineData("{\"type\":\"message\",\"chatJid\":\"\",\"text\":\"t\"}", "'chatJid' must be a non-empty string")]
    [InlineData("{\"type\":\"message\",\"chatJid\":42,\"text\":\"t\"}", "'chatJid' must be a non-empty string")]
    [InlineData("{\"type\":\"message\",\"chatJid\":\"c\"}", "'text' must be a non-empty string")]
    [InlineData("{\"type\":\"message\",\"chatJid\":\"c\",\"text\":\"  \"}", "'text' must be a non-empty string")]
    [InlineData("{\"type\":\"message\",\"chatJid\":\"c\",\"text\":\"t\",\"sender\":7}", "'sender' must be a string")]
    public void Message_refusals_name_the_problem(string json, string reason) =>
        Assert.Equal(reason, Reason(IpcParser.ParseMessage(json)));

    [Fact]
    public void Malformed_json_is_a_reason_not_an_exception() =>
        Assert.StartsWith("invalid JSON: ", Reason(IpcParser.ParseMessage("{\"type\":\"message\",")));

    [Fact]
    public void Too_deep_nesting_is_refused() =>
        Assert.StartsWith("invalid JSON: ", Reason(IpcParser.ParseTask("{\"type\":\"refresh_groups\",\"x\":" + new string('[', 40) + new string(']', 40) + "}")));

    [Fact]
    public void Text_longer_than_64_KiB_is_refused()
    {
        var json = $$"""{"type":"message","chatJid":"c","text":"{{new string('a', IpcLimits.MaxTextChars + 1)}}"}""";
        Assert.Equal("'text' is longer than 65536 characters", Reason(IpcParser.ParseMessage(json)));
        var atLimit = $$"""{"type":"message","chatJid":"c","text":"{{new string('a', IpcLimits.MaxTextChars)}}"}""";
        Assert.True(IpcParser.ParseMessage(atLimit).IsRight);
    }

    [Fact]
    public void Files_over_1_MiB_are_refused_before_parsing() =>
        Assert.Equal("file is larger than 1048576 characters", Reason(IpcParser.ParseTask(new string(' ', IpcLimits.MaxFileChars + 1))));

    [Fact]
    public void Reads_schedule_task_with_defaults()
    {
        var request = Ok(IpcParser.ParseTask("""{"type":"schedule_task","prompt":"Check the news","schedule_type":"cron","schedule_value":" 0 9 * * 1 ","targetJid":"123@g.us","createdBy":"family"}"""));
        Assert.Equal(new IpcRequest.ScheduleTask("Check the news", ScheduleType.Cron, "0 9 * * 1", ContextMode.Isolated, "123@g.us", None), request);
    }

    [Fact]
    public void Reads_schedule_task_with_every_field_and_a_numeric_interval()
    {
        var request = Ok(IpcParser.ParseTask("""{"type":"schedule_task","prompt":"p","schedule_type":"interval","schedule_value":3600000,"context_mode":"group","targetJid":"j","script":"echo '{\"wakeAgent\":true}'"}"""));
        Assert.Equal(new IpcRequest.ScheduleTask("p", ScheduleType.Interval, "3600000", ContextMode.Group, "j", Some("echo '{\"wakeAgent\":true}'")), request);
    }

    [Theory]
    [InlineData("{\"type\":\"schedule_task\",\"schedule_type\":\"cron\",\"schedule_value\":\"* * * * *\",\"targetJid\":\"j\"}", "'prompt' must be a non-empty string")]
    [InlineData("{\"type\":\"schedule_task\",\"prompt\":\"p\",\"schedule_type\":\"weekly\",\"schedule_value\":\"x\",\"targetJid\":\"j\"}", "schedule_type must be cron, interval or once, not 'weekly'")]
    [InlineData("{\"type\":\"schedule_task\",\"prompt\":\"p\",\"schedule_type\":\"cron\",\"targetJid\":\"j\"}", "'schedule_value' must be a non-empty string")]
    [InlineData("{\"type\":\"schedule_task\",\"prompt\":\"p\",\"schedule_type\":\"cron\",\"schedule_value\":true,\"targetJid\":\"j\"}", "'schedule_value' must be a string")]
    [InlineData("{\"type\":\"schedule_task\",\"prompt\":\"p\",\"schedule_type\":\"cron\",\"schedule_value\":\"* * * * *\"}", "'targetJid' must be a non-empty string")]
    [InlineData("{\"type\":\"schedule_task\",\"prompt\":\"p\",\"schedule_type\":\"cron\",\"schedule_value\":\"* * * * *\",\"targetJid\":\"j\",\"context_mode\":\"shared\"}", "'context_mode' must be 'group' or 'isolated', not 'shared'")]
    [InlineData("{\"type\":\"pause_task\"}", "'taskId' must be a non-empty string")]
    [InlineData("{\"type\":\"resume_task\",\"taskId\":5}", "'taskId' must be a non-empty string")]
    [InlineData("{\"type\":\"update_task\",\"taskId\":\"t\",\"prompt\":\"\"}", "'prompt' must be a non-empty string")]
    [InlineData("{\"type\":\"update_task\",\"taskId\":\"t\",\"schedule_type\":\"hourly\"}", "schedule_type must be cron, interval or once, not 'hourly'")]
    [InlineData("{\"type\":\"register_group\",\"name\":\"n\",\"folder\":\"f\",\"trigger\":\"@Andy\"}", "'jid' must be a non-empty string")]
    [InlineData("{\"type\":\"register_group\",\"jid\":\"j\",\"name\":\"n\",\"folder\":\"../etc\",\"trigger\":\"@Andy\"}", "invalid folder name '../etc': use 1-64 letters, digits, '_' or '-', starting with a letter or digit")]
    [InlineData("{\"type\":\"register_group\",\"jid\":\"j\",\"name\":\"n\",\"folder\":\"GLOBAL\",\"trigger\":\"@Andy\"}", "invalid folder name 'GLOBAL': 'global' is reserved (in any case, the host uses these names for its own directories: global, errors, snapshots, proxy, runs)")]
    [InlineData("{\"type\":\"register_group\",\"jid\":\"j\",\"name\":\"n\",\"folder\":\"f\",\"trigger\":\"@Andy\",\"requiresTrigger\":\"no\"}", "'requiresTrigger' must be true or false")]
    [InlineData("{\"type\":\"register_group\",\"jid\":\"j\",\"name\":\"n\",\"folder\":\"f\",\"trigger\":\"@Andy\",\"containerConfig\":[]}", "'containerConfig' must be an object")]
    [InlineData("{\"type\":\"register_group\",\"jid\":\"j\",\"name\":\"n\",\"folder\":\"f\",\"trigger\":\"@Andy\",\"containerConfig\":{\"additionalMounts\":[{\"containerPath\":\"x\"}]}}", "containerConfig.additionalMounts[0]: 'hostPath' must be a non-empty string")]
    [InlineData("{\"type\":\"register_group\",\"jid\":\"j\",\"name\":\"n\",\"folder\":\"f\",\"trigger\":\"@Andy\",\"containerConfig\":{\"timeout\":-5}}", "'containerConfig.timeout' must be a positive whole number of milliseconds")]
    [InlineData("{\"type\":\"delete_everything\"}", "unknown type 'delete_everything'")]
    [InlineData("{\"type\":\"message\",\"chatJid\":\"c\",\"text\":\"t\"}", "unknown type 'message'")]
    public void Task_refusals_name_the_problem(string json, string reason) =>
        Assert.Equal(reason, Reason(IpcParser.ParseTask(json)));

    [Theory]
    [InlineData("pause_task")]
    [InlineData("resume_task")]
    [InlineData("cancel_task")]
    public void Reads_task_operations(string type)
    {
        var request = Ok(IpcParser.ParseTask($$"""{"type":"{{type}}","taskId":"task-1"}"""));
        Assert.Equal(type, request.Type);
        Assert.Equal("task-1", request switch
        {
            IpcRequest.PauseTask p => p.TaskId,
            IpcRequest.ResumeTask r => r.TaskId,
            IpcRequest.CancelTask c => c.TaskId,
            _ => "",
        });
    }

    [Fact]
    public void Reads_update_task_with_only_some_fields()
    {
        var request = (IpcRequest.UpdateTask)Ok(IpcParser.ParseTask("""{"type":"update_task","taskId":"t","schedule_value":"0 8 * * *","script":""}"""));
        Assert.Equal("t", request.TaskId);
        Assert.True(request.Prompt.IsNone);
        Assert.True(request.ScheduleType.IsNone);
        Assert.Equal(Some("0 8 * * *"), request.ScheduleValue);
        Assert.Equal(Some(""), request.Script);
    }

    [Fact]
    public void Reads_refresh_groups() =>
        Assert.IsType<IpcRequest.RefreshGroups>(Ok(IpcParser.ParseTask("""{"type":"refresh_groups"}""")));

    [Fact]
    public void Reads_register_group_with_container_config()
    {
        var request = (IpcRequest.RegisterGroup)Ok(IpcParser.ParseTask("""
            {"type":"register_group","jid":"120363@g.us","name":"Family","folder":"family","trigger":"@Andy","requiresTrigger":false,
             "containerConfig":{"additionalMounts":[{"hostPath":"~/projects/webapp","containerPath":"webapp","readonly":false},{"hostPath":"/srv/docs"}],"timeout":600000}}
            """));
        Assert.Equal("120363@g.us", request.Jid);
        Assert.Equal("family", request.Folder);
        Assert.False(request.RequiresTrigger);
        var config = request.ContainerConfig.IfNone(() => throw new Xunit.Sdk.XunitException("no config"));
        Assert.Equal(Some(600000), config.TimeoutMs);
        Assert.Equal(new AdditionalMount("~/projects/webapp", Some("webapp"), false), config.AdditionalMounts[0]);
        Assert.Equal(new AdditionalMount("/srv/docs", None, true), config.AdditionalMounts[1]);
    }

    [Fact]
    public void Register_group_requires_the_trigger_by_default() =>
        Assert.True(((IpcRequest.RegisterGroup)Ok(IpcParser.ParseTask("""{"type":"register_group","jid":"j","name":"n","folder":"f","trigger":"@Andy"}"""))).RequiresTrigger);
}
