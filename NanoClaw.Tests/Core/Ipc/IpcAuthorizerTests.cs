using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Ipc;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Core.Ipc.IpcFixtures;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Tests.Core.Ipc;

public class IpcAuthorizerTests
{
    private static IpcEffect Allowed(string source, IpcRequest request) =>
        IpcAuthorizer.Authorize(Context(source), request).Match(e => e, reason => throw new Xunit.Sdk.XunitException($"refused: {reason}"));

    private static string Refused(string source, IpcRequest request) =>
        Refused(Context(source), request);

    private static string Refused(IpcContext ctx, IpcRequest request) =>
        IpcAuthorizer.Authorize(ctx, request).Match(e => throw new Xunit.Sdk.XunitException($"allowed: {e}"), reason => reason);

    private static IpcRequest.ScheduleTask Schedule(string target, ScheduleType type = ScheduleType.Interval, string value = "3600000") =>
        new("remind me", type, value, ContextMode.Group, target, None);

    // ---- messages ----

    [Fact]
    public void Main_may_message_any_chat_even_unregistered()
    {
        Assert.Equal(new IpcEffect.SendText(WorkJid, "hi"), Allowed("main", new IpcRequest.SendMessage(WorkJid, "hi", None)));
        Assert.Equal(new IpcEffect.SendText(Stranger, "hi"), Allowed("main", new IpcRequest.SendMessage(Stranger, "hi", None)));
    }

    [Fact]
    public void A_group_may_message_every_chat_registered_to_its_folder()
    {
        Assert.Equal(new IpcEffect.SendText(FamilyJid, "hi") { Sender = Some("Bot") }, Allowed("family", new IpcRequest.SendMessage(FamilyJid, "hi", Some("Bot"))));
        Assert.Equal(new IpcEffect.SendText(FamilyTwoJid, "hi"), Allowed("family", new IpcRequest.SendMessage(FamilyTwoJid, "hi", None)));
    }

    [Fact]
    public void A_group_may_not_message_another_groups_chat() =>
        Assert.Equal("refused: group 'family' may not send to chat '222@g.us', which belongs to another group",
            Refused("family", new IpcRequest.SendMessage(WorkJid, "hi", None)));

    [Fact]
    public void A_group_may_not_message_an_unregistered_chat() =>
        Assert.Equal("refused: group 'family' may not send to chat '999@g.us', which is not registered",
            Refused("family", new IpcRequest.SendMessage(Stranger, "hi", None)));

    [Fact]
    public void An_invalid_source_folder_may_do_nothing() =>
        Assert.StartsWith("refused: source invalid folder name '../main'", Refused(Context("../main") with { IsMain = true }, new IpcRequest.SendMessage(FamilyJid, "x", None)));

    // ---- schedule_task ----

    [Fact]
    public void A_group_schedules_for_itself_with_the_first_run_computed()
    {
        var effect = (IpcEffect.CreateTask)Allowed("family", Schedule(FamilyJid));
        Assert.Equal(new ScheduledTask("task-new", "family", FamilyJid, "remind me", ScheduleType.Interval, "3600000", ContextMode.Group, None,
            Some("2026-01-31T20:32:00.000Z"), None, None, TaskStatus.Active, "2026-01-31T19:32:00.000Z"), effect.Task);
    }

    [Theory]
    [InlineData(ScheduleType.Cron, "0 9 * * *", "2026-02-01T14:00:00.000Z")]   // 9 AM New York (EST)
    [InlineData(ScheduleType.Cron, "0 9 * 7 *", "2026-07-01T13:00:00.000Z")]   // 9 AM New York (EDT)
    [InlineData(ScheduleType.Once, "2026-02-01T15:30:00", "2026-02-01T20:30:00.000Z")]
    [InlineData(ScheduleType.Once, "2026-03-08T02:30:00", "2026-03-08T07:30:00.000Z")] // in the spring-forward gap: read at standard offset
    public void Cron_and_once_are_read_in_the_configured_zone(ScheduleType type, string value, string nextRun) =>
        Assert.Equal(Some(nextRun), ((IpcEffect.CreateTask)Allowed("family", Schedule(FamilyJid, type, value))).Task.NextRun);

    [Fact]
    public void Main_schedules_for_another_group_in_that_groups_folder() =>
        Assert.Equal("work", ((IpcEffect.CreateTask)Allowed("main", Schedule(WorkJid))).Task.GroupFolder);

    [Fact]
    public void A_group_may_not_schedule_for_another_group() =>
        Assert.Equal("refused: group 'family' may not schedule tasks for chat '222@g.us', which belongs to another group", Refused("family", Schedule(WorkJid)));

    [Fact]
    public void The_target_must_be_registered() =>
        Assert.Equal("refused: target chat '999@g.us' is not registered", Refused("main", Schedule(Stranger)));

    [Theory]
    [InlineData(ScheduleType.Cron, "61 * * * *", "refused: invalid cron expression '61 * * * *'")]
    [InlineData(ScheduleType.Cron, "0 9 * *", "refused: invalid cron expression '0 9 * *': expected 5 fields")]
    [InlineData(ScheduleType.Cron, "0 0 30 2 *", "refused: schedule '0 0 30 2 *' never runs")]
    [InlineData(ScheduleType.Interval, "0", "refused: invalid interval '0': expected a positive number of milliseconds")]
    [InlineData(ScheduleType.Interval, "-5", "refused: invalid interval '-5'")]
    [InlineData(ScheduleType.Interval, "99999999999999999", "refused: invalid interval '99999999999999999': at most")]
    [InlineData(ScheduleType.Once, "2026-02-01T15:30:00Z", "refused: invalid once timestamp '2026-02-01T15:30:00Z': give local time without a zone suffix")]
    [InlineData(ScheduleType.Once, "tomorrow", "refused: invalid once timestamp 'tomorrow'")]
    public void Invalid_schedules_are_refused_with_the_reason(ScheduleType type, string value, string reason) =>
        Assert.StartsWith(reason, Refused("family", Schedule(FamilyJid, type, value)));

    [Fact]
    public void A_new_task_needs_a_fresh_id()
    {
        Assert.Equal("refused: no id was supplied for the new task", Refused(Context("family") with { NewTaskId = " " }, Schedule(FamilyJid)));
        Assert.Equal("refused: task id 't-work' is already in use", Refused(Context("family") with { NewTaskId = "t-work" }, Schedule(FamilyJid)));
    }

    // ---- pause / resume / cancel ----

    [Fact]
    public void A_group_manages_its_own_tasks()
    {
        Assert.Equal(new IpcEffect.SetTaskStatus("t-family", TaskStatus.Paused), Allowed("family", new IpcRequest.PauseTask("t-family")));
        Assert.Equal(new IpcEffect.SetTaskStatus("t-family", TaskStatus.Active), Allowed("family", new IpcRequest.ResumeTask("t-family")));
        Assert.Equal(new IpcEffect.DeleteTask("t-family"), Allowed("family", new IpcRequest.CancelTask("t-family")));
    }

    [Fact]
    public void Main_manages_any_task()
    {
        Assert.Equal(new IpcEffect.SetTaskStatus("t-work", TaskStatus.Paused), Allowed("main", new IpcRequest.PauseTask("t-work")));
        Assert.Equal(new IpcEffect.DeleteTask("t-work"), Allowed("main", new IpcRequest.CancelTask("t-work")));
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("cancel")]
    [InlineData("update")]
    public void A_group_may_not_touch_another_groups_task(string verb)
    {
        IpcRequest request = verb switch
        {
            "pause" => new IpcRequest.PauseTask("t-work"),
            "resume" => new IpcRequest.ResumeTask("t-work"),
            "cancel" => new IpcRequest.CancelTask("t-work"),
            _ => new IpcRequest.UpdateTask("t-work", Some("new"), None, None),
        };
        Assert.Equal($"refused: group 'family' may not {verb} task 't-work' of another group", Refused("family", request));
    }

    [Fact]
    public void Unknown_tasks_are_reported() =>
        Assert.Equal("refused: task 'nope' not found", Refused("main", new IpcRequest.CancelTask("nope")));

    [Fact]
    public void A_completed_task_cannot_be_paused_or_resumed_but_can_be_cancelled()
    {
        Assert.Equal("refused: task 't-done' has completed; schedule a new one instead", Refused("family", new IpcRequest.ResumeTask("t-done")));
        Assert.Equal("refused: task 't-done' has completed; schedule a new one instead", Refused("family", new IpcRequest.PauseTask("t-done")));
        Assert.Equal(new IpcEffect.DeleteTask("t-done"), Allowed("family", new IpcRequest.CancelTask("t-done")));
    }

    // ---- update_task ----

    [Fact]
    public void Updating_only_the_prompt_keeps_the_schedule_and_next_run()
    {
        var effect = (IpcEffect.ReplaceTask)Allowed("family", new IpcRequest.UpdateTask("t-family", Some("new prompt"), None, None));
        Assert.Equal(Tasks["t-family"] with { Prompt = "new prompt" }, effect.Task);
    }

    [Fact]
    public void Updating_the_schedule_recomputes_the_next_run()
    {
        var effect = (IpcEffect.ReplaceTask)Allowed("family", new IpcRequest.UpdateTask("t-family", None, Some(ScheduleType.Cron), Some("30 7 * * *")));
        Assert.Equal(Tasks["t-family"] with { ScheduleType = ScheduleType.Cron, ScheduleValue = "30 7 * * *", NextRun = Some("2026-02-01T12:30:00.000Z") }, effect.Task);
    }

    [Fact]
    public void Updating_only_the_value_keeps_the_type()
    {
        var effect = (IpcEffect.ReplaceTask)Allowed("family", new IpcRequest.UpdateTask("t-family", None, None, Some("600000")));
        Assert.Equal(Some("2026-01-31T19:42:00.000Z"), effect.Task.NextRun);
        Assert.Equal(ScheduleType.Interval, effect.Task.ScheduleType);
    }

    [Fact]
    public void Changing_the_type_without_a_fitting_value_is_refused() =>
        Assert.StartsWith("refused: invalid cron expression '3600000'", Refused("family", new IpcRequest.UpdateTask("t-family", None, Some(ScheduleType.Cron), None)));

    [Fact]
    public void An_update_that_changes_nothing_is_refused() =>
        Assert.Equal("refused: update_task for 't-family' changes nothing", Refused("family", new IpcRequest.UpdateTask("t-family", None, None, None)));

    [Fact]
    public void A_completed_task_given_a_new_schedule_becomes_active_again() =>
        Assert.Equal(TaskStatus.Active, ((IpcEffect.ReplaceTask)Allowed("family", new IpcRequest.UpdateTask("t-done", None, None, Some("600000")))).Task.Status);

    [Fact]
    public void Scripts_can_be_set_and_removed()
    {
        var set = (IpcEffect.ReplaceTask)Allowed("family", new IpcRequest.UpdateTask("t-family", None, None, None) { Script = Some("echo hi") });
        Assert.Equal(Some("echo hi"), set.Task.Script);
        var ctx = Context("family") with { TasksById = Tasks.SetItem("t-family", set.Task) };
        var removed = (IpcEffect.ReplaceTask)IpcAuthorizer.Authorize(ctx, new IpcRequest.UpdateTask("t-family", None, None, None) { Script = Some("") }).IfLeft(r => throw new Xunit.Sdk.XunitException(r));
        Assert.True(removed.Task.Script.IsNone);
    }

    // ---- refresh_groups / register_group ----

    [Fact]
    public void Only_main_refreshes_groups()
    {
        Assert.Equal(new IpcEffect.RefreshGroups(), Allowed("main", new IpcRequest.RefreshGroups()));
        Assert.Equal("refused: refresh_groups is for the main group only, not 'family'", Refused("family", new IpcRequest.RefreshGroups()));
    }

    private static IpcRequest.RegisterGroup Register(string jid, string folder) =>
        new(jid, "Book club", folder, "@Andy", true, None);

    [Fact]
    public void Main_registers_a_new_group()
    {
        var effect = (IpcEffect.RegisterGroup)Allowed("main", Register(Stranger, "books"));
        Assert.Equal(new RegisteredGroup(Stranger, "Book club", "books", "@Andy", "2026-01-31T19:32:00.000Z", None, true, false), effect.Group);
    }

    [Theory]
    [InlineData("tg:-1001234567890")] // a Telegram supergroup
    [InlineData("tg:-4242")]          // a Telegram basic group
    [InlineData("tg:987654321")]      // a Telegram private chat
    [InlineData("120363336345536173@g.us")]
    [InlineData("local:kitchen")]
    public void Main_registers_a_chat_of_any_channel(string jid)
    {
        var effect = (IpcEffect.RegisterGroup)Allowed("main", Register(jid, "books"));
        Assert.Equal(jid, effect.Group.Jid);
        Assert.Equal("books", effect.Group.Folder);
        Assert.False(effect.Group.IsMain);
        Assert.Equal("refused: register_group is for the main group only, not 'family'", Refused("family", Register(jid, "books")));
    }

    [Fact]
    public void Re_registering_keeps_the_original_registration_time() =>
        Assert.Equal("2026-01-01T00:00:00.000Z", ((IpcEffect.RegisterGroup)Allowed("main", Register(WorkJid, "work2"))).Group.AddedAt);

    [Fact]
    public void Only_main_registers_groups() =>
        Assert.Equal("refused: register_group is for the main group only, not 'family'", Refused("family", Register(Stranger, "books")));

    [Theory]
    [InlineData("main")]
    [InlineData("MAIN")]
    public void No_group_may_take_the_main_folder(string folder) =>
        Assert.Equal($"refused: folder '{folder}' belongs to the main group", Refused("main", Register(Stranger, folder)));

    [Fact]
    public void A_main_group_in_a_custom_folder_keeps_that_folder_to_itself()
    {
        var ctx = Context("main") with { GroupsByJid = IpcFixtures.Groups.SetItem(MainJid, Group(MainJid, "control", isMain: true)), SourceFolder = "control" };
        Assert.Equal("refused: folder 'control' belongs to the main group", Refused(ctx, Register(Stranger, "control")));
    }

    [Fact]
    public void The_main_chat_cannot_be_re_registered() =>
        Assert.Equal($"refused: chat '{MainJid}' is the main group and cannot be re-registered", Refused("main", Register(MainJid, "books")));

    [Fact]
    public void The_folder_is_validated_even_when_the_request_was_built_in_code() =>
        Assert.StartsWith("refused: invalid folder name 'global': 'global' is reserved", Refused("main", Register(Stranger, "global")));
}
