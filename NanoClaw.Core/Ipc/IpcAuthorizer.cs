using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Scheduling;
using static LanguageExt.Prelude;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Core.Ipc;

/// <summary>
/// Decides whether a parsed IPC request may happen and what it does (SPEC §8, §11). The sender is the folder the
/// file came from; the main group may act anywhere, every other group only on chats registered to its own folder
/// and on its own tasks, and never registers or refreshes groups. Pure: time and new ids come in the context.
/// </summary>
public static class IpcAuthorizer
{
    /// <summary>Authorises <paramref name="request"/> from <paramref name="ctx"/>'s source.</summary>
    /// <returns>The effect to perform, or the reason for refusing (for the log; nothing is performed).</returns>
    public static Either<string, IpcEffect> Authorize(IpcContext ctx, IpcRequest request) =>
        GroupFolder.Validate(ctx.SourceFolder)
            .MapLeft(reason => $"refused: source {reason}")
            .Bind(_ => request switch
            {
                IpcRequest.SendMessage m => SendMessage(ctx, m),
                IpcRequest.SendFile f => OwnChat(ctx, f.ChatJid, "send files to").Map(_ => (IpcEffect)new IpcEffect.SendFile(f.ChatJid, f.Path, f.Caption)),
                IpcRequest.ScheduleTask t => ScheduleTask(ctx, t),
                IpcRequest.PauseTask p => OwnTask(ctx, p.TaskId, "pause").Bind(task => SetStatus(task, TaskStatus.Paused)),
                IpcRequest.ResumeTask r => OwnTask(ctx, r.TaskId, "resume").Bind(task => Resume(ctx, task)),
                IpcRequest.CancelTask c => OwnTask(ctx, c.TaskId, "cancel").Map(task => (IpcEffect)new IpcEffect.DeleteTask(task.Id)),
                IpcRequest.UpdateTask u => OwnTask(ctx, u.TaskId, "update").Bind(task => UpdateTask(ctx, task, u)),
                IpcRequest.RefreshGroups => MainOnly(ctx, IpcTypes.RefreshGroups).Map(_ => (IpcEffect)new IpcEffect.RefreshGroups()),
                IpcRequest.RegisterGroup g => MainOnly(ctx, IpcTypes.RegisterGroup).Bind(_ => RegisterGroup(ctx, g)),
                _ => Left<string, IpcEffect>($"unknown request {request.GetType().Name}"),
            });

    private static Either<string, IpcEffect> SendMessage(IpcContext ctx, IpcRequest.SendMessage m)
    {
        if (ctx.IsMain) return new IpcEffect.SendText(m.ChatJid, m.Text) { Sender = m.Sender };
        return ctx.GroupsByJid.Find(m.ChatJid).Match(
            group => group.Folder == ctx.SourceFolder
                ? Right<string, IpcEffect>(new IpcEffect.SendText(m.ChatJid, m.Text) { Sender = m.Sender })
                : Left<string, IpcEffect>($"refused: group '{ctx.SourceFolder}' may not send to chat '{m.ChatJid}', which belongs to another group"),
            () => Left<string, IpcEffect>($"refused: group '{ctx.SourceFolder}' may not send to chat '{m.ChatJid}', which is not registered"));
    }

    // The same rule as send_message: main may send anywhere, another group only to chats registered to its folder.
    private static Either<string, Unit> OwnChat(IpcContext ctx, string jid, string verb) =>
        ctx.IsMain ? Right<string, Unit>(unit)
        : ctx.GroupsByJid.Find(jid).Match(
            group => group.Folder == ctx.SourceFolder
                ? Right<string, Unit>(unit)
                : Left<string, Unit>($"refused: group '{ctx.SourceFolder}' may not {verb} chat '{jid}', which belongs to another group"),
            () => Left<string, Unit>($"refused: group '{ctx.SourceFolder}' may not {verb} chat '{jid}', which is not registered"));

    private static Either<string, IpcEffect> ScheduleTask(IpcContext ctx, IpcRequest.ScheduleTask t) =>
        from target in ctx.GroupsByJid.Find(t.TargetJid).ToEither($"refused: target chat '{t.TargetJid}' is not registered")
        from _ in ctx.IsMain || target.Folder == ctx.SourceFolder
            ? Right<string, Unit>(unit)
            : Left<string, Unit>($"refused: group '{ctx.SourceFolder}' may not schedule tasks for chat '{t.TargetJid}', which belongs to another group")
        from folder in GroupFolder.Validate(target.Folder).MapLeft(reason => $"refused: target chat '{t.TargetJid}' has an {reason}")
        from id in NewId(ctx)
        from schedule in ScheduleRules.Parse(t.ScheduleType, t.ScheduleValue, ctx.Zone).MapLeft(reason => $"refused: {reason}")
        from first in ScheduleRules.FirstRun(schedule, ctx.Now).ToEither($"refused: schedule '{t.ScheduleValue}' never runs")
        from spaced in ctx.Limits.CheckSpacing(schedule, t.ScheduleValue, ctx.Now).MapLeft(reason => $"refused: {reason}")
        from room in ctx.Limits.CheckRoomFor(ctx.TasksById.Values, folder).MapLeft(reason => $"refused: {reason}")
        select (IpcEffect)new IpcEffect.CreateTask(new ScheduledTask(
            id, folder, t.TargetJid, t.Prompt, t.ScheduleType, t.ScheduleValue, t.ContextMode, t.Script,
            Some(IsoTimestamp.From(first)), None, None, TaskStatus.Active, IsoTimestamp.From(ctx.Now)));

    private static Either<string, string> NewId(IpcContext ctx) =>
        string.IsNullOrWhiteSpace(ctx.NewTaskId) ? Left<string, string>("refused: no id was supplied for the new task")
        : ctx.TasksById.ContainsKey(ctx.NewTaskId) ? Left<string, string>($"refused: task id '{ctx.NewTaskId}' is already in use")
        : Right<string, string>(ctx.NewTaskId);

    private static Either<string, ScheduledTask> OwnTask(IpcContext ctx, string taskId, string verb) =>
        ctx.TasksById.Find(taskId).Match(
            task => ctx.IsMain || task.GroupFolder == ctx.SourceFolder
                ? Right<string, ScheduledTask>(task)
                : Left<string, ScheduledTask>($"refused: group '{ctx.SourceFolder}' may not {verb} task '{taskId}' of another group"),
            () => Left<string, ScheduledTask>($"refused: task '{taskId}' not found"));

    private static Either<string, IpcEffect> SetStatus(ScheduledTask task, TaskStatus status) =>
        task.Status == TaskStatus.Completed
            ? Left<string, IpcEffect>($"refused: task '{task.Id}' has completed; schedule a new one instead")
            : Right<string, IpcEffect>(new IpcEffect.SetTaskStatus(task.Id, status));

    // Resuming makes a task active again, so it needs room under the group's cap (pause + schedule + resume must not
    // get past it). Resuming a task that is already active changes nothing and is not counted twice.
    private static Either<string, IpcEffect> Resume(IpcContext ctx, ScheduledTask task) =>
        task.Status == TaskStatus.Paused
            ? ctx.Limits.CheckRoomFor(ctx.TasksById.Values, task.GroupFolder, task.Id).MapLeft(reason => $"refused: {reason}")
                .Bind(_ => SetStatus(task, TaskStatus.Active))
            : SetStatus(task, TaskStatus.Active);

    private static Either<string, IpcEffect> UpdateTask(IpcContext ctx, ScheduledTask task, IpcRequest.UpdateTask u)
    {
        if (u.Prompt.IsNone && u.ScheduleType.IsNone && u.ScheduleValue.IsNone && u.Script.IsNone)
            return $"refused: update_task for '{task.Id}' changes nothing";
        var withText = task with
        {
            Prompt = u.Prompt.IfNone(task.Prompt),
            Script = u.Script.Match(s => string.IsNullOrWhiteSpace(s) ? None : Some(s), () => task.Script),
        };
        if (u.ScheduleType.IsNone && u.ScheduleValue.IsNone)
            return new IpcEffect.ReplaceTask(withText);
        var type = u.ScheduleType.IfNone(task.ScheduleType);
        var value = u.ScheduleValue.IfNone(task.ScheduleValue);
        return from schedule in ScheduleRules.Parse(type, value, ctx.Zone).MapLeft(reason => $"refused: {reason}")
               from next in ScheduleRules.FirstRun(schedule, ctx.Now).ToEither($"refused: schedule '{value}' never runs")
               from spaced in ctx.Limits.CheckSpacing(schedule, value, ctx.Now).MapLeft(reason => $"refused: {reason}")
               from room in task.Status == TaskStatus.Completed
                   ? ctx.Limits.CheckRoomFor(ctx.TasksById.Values, task.GroupFolder, task.Id).MapLeft(reason => $"refused: {reason}")
                   : Right<string, Unit>(unit)
               select (IpcEffect)new IpcEffect.ReplaceTask(withText with
               {
                   ScheduleType = type,
                   ScheduleValue = value,
                   NextRun = Some(IsoTimestamp.From(next)),
                   // A completed once-task given a new schedule is live again; a paused one stays paused.
                   Status = task.Status == TaskStatus.Completed ? TaskStatus.Active : task.Status,
               });
    }

    private static Either<string, Unit> MainOnly(IpcContext ctx, string type) =>
        ctx.IsMain ? Right<string, Unit>(unit) : Left<string, Unit>($"refused: {type} is for the main group only, not '{ctx.SourceFolder}'");

    private static Either<string, IpcEffect> RegisterGroup(IpcContext ctx, IpcRequest.RegisterGroup g)
    {
        if (CarriableChat.Check(g.Jid).Case is string uncarriable) return uncarriable;
        var existing = ctx.GroupsByJid.Find(g.Jid);
        if (existing.Exists(e => e.IsMain))
            return $"refused: chat '{g.Jid}' is the main group and cannot be re-registered";
        // A second group in main's folder would share main's IPC directory, and so its powers.
        var mainFolders = ctx.GroupsByJid.Values.Where(x => x.IsMain).Select(x => x.Folder).Append(GroupFolder.Main);
        if (mainFolders.Any(f => GroupFolder.SameFolder(f, g.Folder)))
            return $"refused: folder '{g.Folder}' belongs to the main group";
        return GroupFolder.Validate(g.Folder)
            .MapLeft(reason => $"refused: {reason}")
            // One folder per chat, regardless of case: on a case-insensitive file system 'Family' and 'family' are one
            // directory, so a second chat there would act with the first one's identity and memory.
            .Bind(folder => GroupFolder.OwnerOfFolder(ctx.GroupsByJid.Values, folder, g.Jid).Match(
                owner => Left<string, string>($"refused: {GroupFolder.FolderTaken(folder, owner)}"),
                () => Right<string, string>(folder)))
            .Map(folder => (IpcEffect)new IpcEffect.RegisterGroup(new RegisteredGroup(
                g.Jid, g.Name, folder, g.Trigger,
                existing.Map(e => e.AddedAt).IfNone(() => IsoTimestamp.From(ctx.Now)),
                g.ContainerConfig, g.RequiresTrigger, IsMain: false)));
    }
}
