using FsCheck;
using FsCheck.Fluent;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Ipc;
using static LanguageExt.Prelude;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Tests.Core.Ipc;

/// <summary>Generators for IPC properties: small pools of folders, chats and task ids so requests often hit real entries.</summary>
internal static class IpcGen
{
    public static readonly string[] Folders = ["main", "family", "work", "kids"];
    public static readonly string[] NonMainFolders = ["family", "work", "kids"];
    public static readonly string[] Jids = ["a@g.us", "b@g.us", "c@g.us", "d@s.whatsapp.net", "local:me"];
    public static readonly string[] TaskIds = ["t1", "t2", "t3", "t4"];
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static readonly string[] AnyJid = [.. Jids, "zz@g.us"];
    private static readonly string[] AnyTaskId = [.. TaskIds, "t-missing"];
    private static readonly string[] RequestFolders = ["main", "Main", "MAIN", "family", "work", "kids", "newbie", "global", "../main", "a/b"];
    private static readonly (ScheduleType, string)[] Schedules =
    [
        (ScheduleType.Interval, "60000"), (ScheduleType.Interval, "0"), (ScheduleType.Cron, "0 9 * * *"),
        (ScheduleType.Cron, "bad cron"), (ScheduleType.Cron, "0 0 30 2 *"), (ScheduleType.Once, "2026-02-01T15:30:00"), (ScheduleType.Once, "soon"),
    ];

    public static readonly Gen<Map<string, RegisteredGroup>> GroupSets =
        Gen.ArrayOf(Gen.Elements(Option<string>.None, Some("main"), Some("family"), Some("family"), Some("work"), Some("kids")), Jids.Length)
            .Select(folders => toMap(Enumerable.Zip(Jids, folders, (First, Second) => (First, Second))
                .Where(p => p.Second.IsSome)
                .Select(p =>
                {
                    var folder = p.Second.IfNone("");
                    return (p.First, new RegisteredGroup(p.First, folder, folder, "@Andy", "2026-01-01T00:00:00.000Z", None, true, folder == "main"));
                })));

    public static readonly Gen<Map<string, ScheduledTask>> TaskSets =
        Gen.ArrayOf(
            from present in Gen.Elements(true, true, false)
            from folder in Gen.Elements("main", "family", "family", "work", "kids")
            from chat in Gen.Elements(Jids)
            from status in Gen.Elements(TaskStatus.Active, TaskStatus.Paused, TaskStatus.Completed)
            select (present, folder, chat, status), TaskIds.Length)
        .Select(entries => toMap(Enumerable.Zip(TaskIds, entries, (First, Second) => (First, Second))
            .Where(p => p.Second.present)
            .Select(p => (p.First, new ScheduledTask(p.First, p.Second.folder, p.Second.chat, "prompt", ScheduleType.Interval, "60000",
                ContextMode.Isolated, None, Some("2026-01-31T20:00:00.000Z"), None, None, p.Second.status, "2026-01-30T00:00:00.000Z")))));

    private static readonly Gen<Option<string>> MaybeText = Gen.OneOf(Gen.Constant(Option<string>.None), Gen.Elements("new", "", "x").Select(Some));

    public static readonly Gen<IpcRequest> Requests = Gen.OneOf(
        from jid in Gen.Elements(AnyJid) from text in Gen.Elements("hi", "<internal>x</internal>") select (IpcRequest)new IpcRequest.SendMessage(jid, text, None),
        from jid in Gen.Elements(AnyJid) from s in Gen.Elements(Schedules) from mode in Gen.Elements(ContextMode.Group, ContextMode.Isolated)
        select (IpcRequest)new IpcRequest.ScheduleTask("p", s.Item1, s.Item2, mode, jid, None),
        Gen.Elements(AnyTaskId).Select(id => (IpcRequest)new IpcRequest.PauseTask(id)),
        Gen.Elements(AnyTaskId).Select(id => (IpcRequest)new IpcRequest.ResumeTask(id)),
        Gen.Elements(AnyTaskId).Select(id => (IpcRequest)new IpcRequest.CancelTask(id)),
        from id in Gen.Elements(AnyTaskId) from prompt in MaybeText from s in Gen.OneOf(Gen.Constant(Option<(ScheduleType, string)>.None), Gen.Elements(Schedules).Select(Some))
        from script in MaybeText
        select (IpcRequest)new IpcRequest.UpdateTask(id, prompt, s.Map(x => x.Item1), s.Map(x => x.Item2)) { Script = script },
        Gen.Constant((IpcRequest)new IpcRequest.RefreshGroups()),
        from jid in Gen.Elements(AnyJid) from folder in Gen.Elements(RequestFolders) from rt in Gen.Elements(true, false)
        select (IpcRequest)new IpcRequest.RegisterGroup(jid, "Name", folder, "@Andy", rt, None));

    public static readonly Gen<IpcContext> Contexts =
        from groups in GroupSets
        from tasks in TaskSets
        from source in Gen.Elements(Folders)
        from newId in Gen.Elements("task-new", "t1")
        select new IpcContext(source, source == "main", groups, tasks, Zone, new DateTimeOffset(2026, 1, 31, 19, 32, 0, TimeSpan.Zero), newId);
}
