using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.AgentRunner.Mcp;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Scheduling;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Agent;

public sealed class ToolRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 31, 14, 32, 0, TimeSpan.Zero);
    private static readonly ToolContext Main = new("15550001111@s.whatsapp.net", "main", true, "/ipc", TimeZoneInfo.Utc);
    private static readonly ToolContext Family = new("120363000000000001@g.us", "family", false, "/ipc", TimeZoneInfo.Utc);

    private static JsonObject Body(LanguageExt.Either<string, IpcRequest> r) =>
        r.Match(ok => ok.Body, error => throw new Xunit.Sdk.XunitException("refused: " + error));

    [Fact]
    public void Send_message_goes_to_messages_with_nanoclaw_field_names()
    {
        var request = ToolRequests.SendMessage(Family, "hello", "Bot", Now);
        Assert.Equal("/ipc/messages", request.Match(r => r.Directory, _ => ""));
        var body = Body(request);
        Assert.Equal("message", (string?)body["type"]);
        Assert.Equal(Family.ChatJid, (string?)body["chatJid"]);
        Assert.Equal("hello", (string?)body["text"]);
        Assert.Equal("Bot", (string?)body["sender"]);
        Assert.Equal("2026-01-31T14:32:00.000Z", (string?)body["timestamp"]);
    }

    [Fact]
    public void Schedule_task_writes_the_wire_fields_with_group_context_by_default()
    {
        var body = Body(ToolRequests.ScheduleTask(Family, "water plants", "CRON", " 0 9 * * 1-5 ", null, null, Now));
        Assert.Equal("schedule_task", (string?)body["type"]);
        Assert.Equal("water plants", (string?)body["prompt"]);
        Assert.Equal("cron", (string?)body["schedule_type"]);
        Assert.Equal("0 9 * * 1-5", (string?)body["schedule_value"]);
        Assert.Equal("group", (string?)body["context_mode"]);
        Assert.Equal(Family.ChatJid, (string?)body["targetJid"]);
    }

    [Fact]
    public void Only_main_may_target_another_group()
    {
        Assert.True(ToolRequests.ScheduleTask(Family, "p", "interval", "60000", "isolated", "other@g.us", Now).IsLeft);
        Assert.Equal("other@g.us", (string?)Body(ToolRequests.ScheduleTask(Main, "p", "interval", "60000", "isolated", "other@g.us", Now))["targetJid"]);
    }

    [Property(Arbitrary = [typeof(ScheduleValues)])]
    [Trait("Category", "Property")]
    public bool Schedule_task_is_accepted_exactly_when_the_schedule_is_valid(string type, string value) =>
        ToolRequests.ScheduleTask(Main, "p", type, value, "group", null, Now).IsRight
        == ScheduleRules.Parse(type, value, TimeZoneInfo.Utc).IsRight;

    [Property]
    [Trait("Category", "Property")]
    public bool A_non_main_group_can_never_register_a_group(NonEmptyString jid, NonEmptyString name, NonEmptyString folder) =>
        ToolRequests.RegisterGroup(Family, jid.Get, name.Get, folder.Get, "@Andy", null, Now).IsLeft;

    [Property]
    [Trait("Category", "Property")]
    public bool Main_registers_a_group_exactly_when_its_folder_is_valid(NonEmptyString folder) =>
        ToolRequests.RegisterGroup(Main, "1@g.us", "Fam", folder.Get, "@Andy", null, Now).IsRight == GroupFolder.IsValid(folder.Get);

    [Fact]
    public void Register_group_writes_requires_trigger_only_when_given()
    {
        var body = Body(ToolRequests.RegisterGroup(Main, "1@g.us", "Fam", "family", "@Andy", false, Now));
        Assert.Equal("register_group", (string?)body["type"]);
        Assert.Equal("1@g.us", (string?)body["jid"]);
        Assert.Equal("family", (string?)body["folder"]);
        Assert.Equal("@Andy", (string?)body["trigger"]);
        Assert.False((bool)body["requiresTrigger"]!);
        Assert.Null(Body(ToolRequests.RegisterGroup(Main, "1@g.us", "Fam", "family", "@Andy", null, Now))["requiresTrigger"]);
    }

    [Fact]
    public void Update_task_checks_a_new_value_against_the_tasks_current_type()
    {
        Assert.True(ToolRequests.UpdateTask(Main, "t1", null, null, "not a cron", Some("cron"), Now).IsLeft);
        var body = Body(ToolRequests.UpdateTask(Main, "t1", null, null, "*/5 * * * *", Some("cron"), Now));
        Assert.Equal("update_task", (string?)body["type"]);
        Assert.Equal("t1", (string?)body["taskId"]);
        Assert.Equal("cron", (string?)body["schedule_type"]);
        Assert.True(ToolRequests.UpdateTask(Main, "t1", null, null, "*/5 * * * *", None, Now).IsLeft);
        Assert.True(ToolRequests.UpdateTask(Main, "t1", null, null, null, None, Now).IsLeft);
    }

    [Theory]
    [InlineData("pause_task")]
    [InlineData("resume_task")]
    [InlineData("cancel_task")]
    public void Task_commands_carry_the_task_id(string type)
    {
        Assert.Equal("t-9", (string?)Body(ToolRequests.TaskCommand(Family, type, " t-9 ", Now))["taskId"]);
        Assert.True(ToolRequests.TaskCommand(Family, type, " ", Now).IsLeft);
    }

    /// <summary>Schedule types and values mixing valid and invalid ones of every kind.</summary>
    public static class ScheduleValues
    {
        public static Arbitrary<string> Strings() => Gen.OneOf(
            Gen.Elements("cron", "interval", "once", "weekly", ""),
            Gen.Elements("0 9 * * *", "*/5 * * * *", "61 * * * *", "* * *", "3600000", "0", "-5", "abc",
                "2026-02-01T15:30:00", "2026-02-01T15:30:00Z", "2026-02-01T15:30:00+02:00", "2026-13-01T00:00:00")).ToArbitrary();
    }
}

public sealed class TaskSnapshotTests
{
    private static readonly IReadOnlyList<JsonObject> Tasks =
    [
        new() { ["id"] = "t1", ["groupFolder"] = "family", ["prompt"] = "water plants", ["schedule_type"] = "cron", ["schedule_value"] = "0 9 * * *", ["status"] = "active", ["next_run"] = "2026-02-01T09:00:00.000Z" },
        new() { ["id"] = "t2", ["groupFolder"] = "main", ["prompt"] = "weekly report", ["schedule_type"] = "interval", ["schedule_value"] = "604800000", ["status"] = "paused" },
    ];

    [Fact]
    public void A_group_sees_its_own_tasks_and_main_sees_all()
    {
        var family = TaskSnapshot.Describe(Tasks, new ToolContext("f@g.us", "family", false, "/ipc", TimeZoneInfo.Utc));
        Assert.Contains("[t1] water plants", family);
        Assert.DoesNotContain("t2", family);
        var main = TaskSnapshot.Describe(Tasks, new ToolContext("m@s.whatsapp.net", "main", true, "/ipc", TimeZoneInfo.Utc));
        Assert.Contains("[t1]", main);
        Assert.Contains("[t2] weekly report", main);
        Assert.Equal("interval", TaskSnapshot.TypeOf(Tasks, "t2").IfNone(""));
    }

    [Fact]
    public void No_snapshot_means_no_tasks()
    {
        Assert.Empty(TaskSnapshot.Read(Path.Combine(Path.GetTempPath(), "missing-" + Guid.NewGuid().ToString("N"), "current_tasks.json")));
        Assert.Equal("No scheduled tasks.", TaskSnapshot.Describe([], new ToolContext("m", "main", true, "/ipc", TimeZoneInfo.Utc)));
    }
}
