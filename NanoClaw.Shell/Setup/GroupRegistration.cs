using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Ipc;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Setup;

/// <summary>What <c>nanoclaw groups register</c> was asked for.</summary>
public sealed record RegistrationRequest(string Jid, string Name, string Folder, string Trigger, bool RequiresTrigger, bool IsMain);

/// <summary>
/// Decides a registration made by the operator. Ordinary groups go through <see cref="IpcAuthorizer"/> exactly as a
/// main agent's <c>register_group</c> would (the operator acts as main); the main group itself, which no agent may
/// register, is decided here: a valid folder and at most one main group.
/// </summary>
public static class GroupRegistration
{
    public static Either<string, RegisteredGroup> Decide(Seq<RegisteredGroup> existing, RegistrationRequest request, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(request.Jid) || request.Jid.Any(char.IsWhiteSpace))
            return $"invalid chat id '{request.Jid}': expected a JID such as 120363001@g.us or 15551234567@s.whatsapp.net";
        if (CarriableChat.Check(request.Jid).Case is string uncarriable) return uncarriable;
        if (string.IsNullOrWhiteSpace(request.Name)) return "the group needs a name (--name)";
        return request.IsMain ? DecideMain(existing, request, now) : DecideOrdinary(existing, request, zone, now);
    }

    private static Either<string, RegisteredGroup> DecideMain(Seq<RegisteredGroup> existing, RegistrationRequest r, DateTimeOffset now) =>
        from folder in GroupFolder.Validate(r.Folder)
        from _ in existing.Find(g => g.IsMain && g.Jid != r.Jid).Match(
            other => Left<string, Unit>($"refused: a main group is already registered ({other.Jid}, folder '{other.Folder}'); " +
                                         $"remove it first with: nanoclaw groups remove --jid {other.Jid}"),
            () => Right<string, Unit>(unit))
        from free in GroupFolder.OwnerOfFolder(existing, folder, r.Jid).Match(
            owner => Left<string, Unit>($"refused: {GroupFolder.FolderTaken(folder, owner)}"),
            () => Right<string, Unit>(unit))
        select new RegisteredGroup(r.Jid, r.Name, folder, r.Trigger,
            existing.Find(g => g.Jid == r.Jid).Map(g => g.AddedAt).IfNone(() => IsoTimestamp.From(now)),
            existing.Find(g => g.Jid == r.Jid).Bind(g => g.ContainerConfig),
            // The main chat answers every message (NanoClaw registered it without a trigger).
            RequiresTrigger: false, IsMain: true);

    private static Either<string, RegisteredGroup> DecideOrdinary(Seq<RegisteredGroup> existing, RegistrationRequest r, TimeZoneInfo zone, DateTimeOffset now)
    {
        var context = Operator.AsMain(existing, Empty, zone, now);
        var request = new IpcRequest.RegisterGroup(r.Jid, r.Name, r.Folder, r.Trigger, r.RequiresTrigger,
            existing.Find(g => g.Jid == r.Jid).Bind(g => g.ContainerConfig));
        return IpcAuthorizer.Authorize(context, request).Bind(effect => effect is IpcEffect.RegisterGroup g
            ? Right<string, RegisteredGroup>(g.Group)
            : Left<string, RegisteredGroup>($"unexpected decision {effect.GetType().Name}"));
    }
}

/// <summary>The operator at the command line, seen by the IPC rules: the main group, or a named group with its own rights.</summary>
public static class Operator
{
    /// <summary>The main group's folder (or <c>main</c> before one is registered), with main's rights.</summary>
    public static IpcContext AsMain(Seq<RegisteredGroup> groups, Seq<ScheduledTask> tasks, TimeZoneInfo zone, DateTimeOffset now) =>
        Context(groups.Find(g => g.IsMain).Map(g => g.Folder).IfNone(GroupFolder.Main), true, groups, tasks, zone, now);

    /// <summary>Acting as <paramref name="folder"/>: main's rights only when that folder is the main group's.</summary>
    public static IpcContext AsGroup(string folder, Seq<RegisteredGroup> groups, Seq<ScheduledTask> tasks, TimeZoneInfo zone, DateTimeOffset now) =>
        Context(folder, groups.Exists(g => g.IsMain && g.Folder == folder), groups, tasks, zone, now);

    private static IpcContext Context(string folder, bool isMain, Seq<RegisteredGroup> groups, Seq<ScheduledTask> tasks, TimeZoneInfo zone, DateTimeOffset now) =>
        new(folder, isMain, toMap(groups.Map(g => (g.Jid, g))), toMap(tasks.Map(t => (t.Id, t))), zone, now, NewTaskId: "");
}
