using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Ipc;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Ipc;

[Trait("Category", "Property")]
public class IpcProperties
{
    private static bool OwnChat(IpcContext ctx, string jid) =>
        ctx.GroupsByJid.Find(jid).Exists(g => g.Folder == ctx.SourceFolder);

    private static bool OwnTask(IpcContext ctx, string id) =>
        ctx.TasksById.Find(id).Exists(t => t.GroupFolder == ctx.SourceFolder);

    /// <summary>Whether an effect stays inside the source group's own chats and tasks.</summary>
    private static bool StaysInside(IpcContext ctx, IpcEffect effect) => effect switch
    {
        IpcEffect.SendText s => OwnChat(ctx, s.Jid),
        IpcEffect.CreateTask c => c.Task.GroupFolder == ctx.SourceFolder && OwnChat(ctx, c.Task.ChatJid),
        IpcEffect.SetTaskStatus s => OwnTask(ctx, s.TaskId),
        IpcEffect.DeleteTask d => OwnTask(ctx, d.TaskId),
        IpcEffect.ReplaceTask r => OwnTask(ctx, r.Task.Id) && r.Task.GroupFolder == ctx.SourceFolder
                                   && ctx.TasksById.Find(r.Task.Id).Exists(old => old.ChatJid == r.Task.ChatJid),
        _ => false, // refresh and registration are never a non-main group's business
    };

    [Property(MaxTest = 1000)]
    public Property A_non_main_group_never_affects_another_groups_chat_tasks_or_registration() =>
        Prop.ForAll((
            from ctx in IpcGen.Contexts
            from source in Gen.Elements("family", "family", "work", "kids")
            from request in IpcGen.Requests
            select (ctx: ctx with { SourceFolder = source, IsMain = false }, request)).ToArbitrary(),
            x => IpcAuthorizer.Authorize(x.ctx, x.request).Match(effect => StaysInside(x.ctx, effect), _ => true));

    [Property(MaxTest = 300)]
    public Property Main_may_do_whatever_a_non_main_group_may() =>
        Prop.ForAll((
            from ctx in IpcGen.Contexts
            from source in Gen.Elements(IpcGen.NonMainFolders)
            from request in IpcGen.Requests
            select (ctx, source, request)).ToArbitrary(),
            x =>
            {
                var asGroup = IpcAuthorizer.Authorize(x.ctx with { SourceFolder = x.source, IsMain = false }, x.request);
                var asMain = IpcAuthorizer.Authorize(x.ctx with { SourceFolder = "main", IsMain = true }, x.request);
                // Same decision inputs except identity: main's effect is the very same one.
                return asGroup.IsLeft || asMain == asGroup;
            });

    [Property(MaxTest = 300)]
    public Property Registration_never_creates_a_main_group_or_enters_a_main_folder() =>
        Prop.ForAll((
            from ctx in IpcGen.Contexts
            from request in IpcGen.Requests
            select (ctx, request)).ToArbitrary(),
            x => IpcAuthorizer.Authorize(x.ctx, x.request).Match(
                effect => effect is not IpcEffect.RegisterGroup r
                          || (x.ctx.IsMain
                              && !r.Group.IsMain
                              && GroupFolder.IsValid(r.Group.Folder)
                              && !string.Equals(r.Group.Folder, GroupFolder.Main, StringComparison.OrdinalIgnoreCase)
                              && !x.ctx.GroupsByJid.Values.Any(g => g.IsMain && (g.Jid == r.Group.Jid || g.Folder.Equals(r.Group.Folder, StringComparison.OrdinalIgnoreCase)))),
                _ => true));

    [Property(MaxTest = 300)]
    public Property Created_and_replaced_tasks_always_have_a_future_or_present_next_run_and_a_valid_schedule() =>
        Prop.ForAll((
            from ctx in IpcGen.Contexts
            from request in IpcGen.Requests
            select (ctx, request)).ToArbitrary(),
            x => IpcAuthorizer.Authorize(x.ctx, x.request).Match(
                effect => effect switch
                {
                    IpcEffect.CreateTask c => c.Task.Status == NanoClaw.Core.Domain.TaskStatus.Active && Valid(x.ctx, c.Task),
                    IpcEffect.ReplaceTask r => Valid(x.ctx, r.Task),
                    _ => true,
                },
                _ => true));

    private static bool Valid(IpcContext ctx, ScheduledTask task) =>
        NanoClaw.Core.Scheduling.ScheduleRules.Parse(task.ScheduleType, task.ScheduleValue, ctx.Zone).IsRight
        && task.NextRun.Exists(n => IsoTimestamp.Parse(n).IsSome);

    // ---- parsing ----

    [Property(MaxTest = 500)]
    public Property Parsers_never_throw_on_arbitrary_text() =>
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), text =>
        {
            var message = IpcParser.ParseMessage(text);
            var task = IpcParser.ParseTask(text);
            var config = ContainerConfigJson.Parse(text);
            return message.IsLeft || message.IsRight; // reaching here means no exception
        });

    private static readonly string[] Keys =
        ["type", "chatJid", "text", "sender", "prompt", "schedule_type", "schedule_value", "context_mode", "targetJid", "script",
         "taskId", "jid", "name", "folder", "trigger", "requiresTrigger", "containerConfig"];

    private static readonly Gen<string> JsonValue = Gen.Elements(
        "null", "true", "false", "0", "-1", "1e400", "3600000", "\"\"", "\" \"", "\"message\"", "\"schedule_task\"", "\"register_group\"",
        "\"update_task\"", "\"pause_task\"", "\"cron\"", "\"interval\"", "\"once\"", "\"group\"", "\"0 9 * * *\"", "\"main\"", "\"../x\"",
        "\"\\ud800\"", "\"\\u0000\"", "[]", "{}", "[1,\"a\"]", "{\"additionalMounts\":[{\"hostPath\":\"/x\"}],\"timeout\":5}",
        "{\"additionalMounts\":[{\"hostPath\":1}]}", "{\"additionalMounts\":{}}", "{\"timeout\":1.5}");

    [Property(MaxTest = 1000)]
    public Property Parsers_never_throw_on_json_objects_with_the_real_keys_and_any_values() =>
        Prop.ForAll(Gen.ListOf(from k in Gen.Elements(Keys) from v in JsonValue select $"\"{k}\":{v}")
            .Select(fields => "{" + string.Join(",", fields) + "}").ToArbitrary(),
            json =>
            {
                var results = new[] { IpcParser.ParseMessage(json), IpcParser.ParseTask(json) };
                return results.All(r => r.Match(_ => true, reason => reason.Length > 0));
            });

    private static readonly Gen<string> Text =
        Gen.ListOf(Gen.Elements("a", "Z", " ", "\"", "\\", "\n", "é", "😀", "\u0001", "<", "{", "}"))
            .Select(parts => "x" + string.Concat(parts));

    private static readonly Gen<Option<string>> OptText = Gen.OneOf(Gen.Constant(Option<string>.None), Text.Select(Some));

    private static readonly Gen<ContainerConfig> Configs =
        from mounts in Gen.ListOf(
            from host in Text
            from container in OptText
            from ro in Gen.Elements(true, false)
            select new AdditionalMount(host, container, ro))
        from timeout in Gen.OneOf(Gen.Constant(Option<int>.None), Gen.Choose(1, int.MaxValue).Select(Some))
        select new ContainerConfig(toSeq(mounts.Take(IpcLimits.MaxMounts).ToArray()), timeout);

    private static readonly Gen<IpcRequest> WireRequests = Gen.OneOf(
        from jid in Text from text in Text from sender in OptText select (IpcRequest)new IpcRequest.SendMessage(jid, text, sender),
        from prompt in Text from type in Gen.Elements(ScheduleType.Cron, ScheduleType.Interval, ScheduleType.Once) from value in Text
        from mode in Gen.Elements(ContextMode.Group, ContextMode.Isolated) from target in Text from script in OptText
        select (IpcRequest)new IpcRequest.ScheduleTask(prompt, type, value, mode, target, script),
        Text.Select(id => (IpcRequest)new IpcRequest.PauseTask(id)),
        Text.Select(id => (IpcRequest)new IpcRequest.ResumeTask(id)),
        Text.Select(id => (IpcRequest)new IpcRequest.CancelTask(id)),
        from id in Text from prompt in OptText
        from type in Gen.OneOf(Gen.Constant(Option<ScheduleType>.None), Gen.Elements(ScheduleType.Cron, ScheduleType.Interval, ScheduleType.Once).Select(Some))
        from value in OptText from script in Gen.OneOf(OptText, Gen.Constant(Some("")))
        select (IpcRequest)new IpcRequest.UpdateTask(id, prompt, type, value) { Script = script },
        Gen.Constant((IpcRequest)new IpcRequest.RefreshGroups()),
        from jid in Text from name in Text from folder in Gen.Elements("family", "a-b_c", "X1") from trigger in Text from rt in Gen.Elements(true, false)
        from config in Gen.OneOf(Gen.Constant(Option<ContainerConfig>.None), Configs.Select(Some))
        select (IpcRequest)new IpcRequest.RegisterGroup(jid, name, folder, trigger, rt, config));

    [Property(MaxTest = 500)]
    public Property Every_serialised_request_parses_back_to_itself() =>
        Prop.ForAll(WireRequests.ToArbitrary(), request =>
        {
            var json = IpcJson.Serialize(request);
            var parsed = request is IpcRequest.SendMessage ? IpcParser.ParseMessage(json) : IpcParser.ParseTask(json);
            return parsed == Right<string, IpcRequest>(Normalise(request));
        });

    // Schedule values are stored trimmed; everything else must come back exactly.
    private static IpcRequest Normalise(IpcRequest request) => request switch
    {
        IpcRequest.ScheduleTask t => t with { ScheduleValue = t.ScheduleValue.Trim() },
        IpcRequest.UpdateTask u => u with { ScheduleValue = u.ScheduleValue.Map(v => v.Trim()) },
        _ => request,
    };

    [Property(MaxTest = 300)]
    public Property Container_config_json_round_trips() =>
        Prop.ForAll(Configs.ToArbitrary(), config =>
            ContainerConfigJson.Parse(ContainerConfigJson.Serialize(config)) == Right<string, ContainerConfig>(config));

    [Property]
    public Property Serialised_requests_are_single_json_objects_with_their_type() =>
        Prop.ForAll(WireRequests.ToArbitrary(), request =>
        {
            using var doc = JsonDocument.Parse(IpcJson.Serialize(request));
            return doc.RootElement.GetProperty("type").GetString() == request.Type;
        });
}
