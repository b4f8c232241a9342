using System.Text.Json.Nodes;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Scheduling;
using static LanguageExt.Prelude;

namespace NanoClaw.AgentRunner.Mcp;

/// <summary>An IPC request ready to write: which folder (messages or tasks) and the JSON body.</summary>
internal sealed record IpcRequest(string Directory, JsonObject Body);

/// <summary>
/// Turns tool arguments into IPC requests (SPEC §8 field names), or into the reason they are refused. Pure: the
/// host re-checks everything, but a model that gets a clear error here can fix its call at once.
/// </summary>
internal static class ToolRequests
{
    public static Either<string, IpcRequest> SendMessage(ToolContext ctx, string? text, string? sender, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text)) return "text must not be empty";
        var body = new JsonObject
        {
            ["type"] = "message",
            ["chatJid"] = ctx.ChatJid,
            ["text"] = text,
        };
        if (!string.IsNullOrWhiteSpace(sender)) body["sender"] = sender;
        return Stamp(ctx, body, now, ctx.MessagesDir);
    }

    /// <summary>
    /// send_file: a relative path is taken under /workspace/group. The path must be under /workspace/group or
    /// /workspace/media and name an existing regular file here; the host re-checks everything and reads it without
    /// following links, so this only gives the model a quick, clear error.
    /// </summary>
    public static Either<string, IpcRequest> SendFile(ToolContext ctx, string? path, string? caption, Func<string, bool> isFile, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(path)) return "path must not be empty";
        var absolute = path.StartsWith('/') ? path : NanoClaw.Core.Media.OutboundFilePath.GroupPrefix + path;
        return NanoClaw.Core.Media.OutboundFilePath.Parse(absolute).Bind(checkedPath =>
        {
            if (!isFile(checkedPath.ContainerPath)) return Left<string, IpcRequest>($"no regular file at {checkedPath.ContainerPath}");
            var body = new JsonObject
            {
                ["type"] = "send_file",
                ["chatJid"] = ctx.ChatJid,
                ["path"] = checkedPath.ContainerPath,
            };
            if (!string.IsNullOrWhiteSpace(caption)) body["caption"] = caption;
            return Stamp(ctx, body, now, ctx.MessagesDir);
        });
    }

    public static Either<string, IpcRequest> ScheduleTask(
        ToolContext ctx, string? prompt, string? scheduleType, string? scheduleValue, string? contextMode, string? targetGroupJid, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(prompt)) return "prompt must not be empty";
        var target = string.IsNullOrWhiteSpace(targetGroupJid) ? ctx.ChatJid : targetGroupJid.Trim();
        if (!ctx.IsMain && target != ctx.ChatJid)
            return "only the main group can schedule tasks for another group; leave target_group_jid empty";
        return
            from type in ScheduleRules.ParseType(scheduleType)
            from _ in ScheduleRules.Parse(type, scheduleValue, ctx.Zone)
            from mode in ContextModeName(contextMode)
            from request in Stamp(ctx, new JsonObject
            {
                ["type"] = "schedule_task",
                ["prompt"] = prompt,
                ["schedule_type"] = ScheduleRules.Name(type),
                ["schedule_value"] = scheduleValue!.Trim(),
                ["context_mode"] = mode,
                ["targetJid"] = target,
            }, now, ctx.TasksDir)
            select request;
    }

    /// <summary>pause_task, resume_task and cancel_task: the host checks the task belongs to this group (unless main).</summary>
    public static Either<string, IpcRequest> TaskCommand(ToolContext ctx, string type, string? taskId, DateTimeOffset now) =>
        string.IsNullOrWhiteSpace(taskId)
            ? "task_id must not be empty"
            : Stamp(ctx, new JsonObject { ["type"] = type, ["taskId"] = taskId.Trim() }, now, ctx.TasksDir);

    /// <summary>update_task: a new schedule value is checked against its type (given, or the task's current one from the snapshot).</summary>
    public static Either<string, IpcRequest> UpdateTask(
        ToolContext ctx, string? taskId, string? prompt, string? scheduleType, string? scheduleValue, Option<string> currentType, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(taskId)) return "task_id must not be empty";
        if (prompt is null && scheduleType is null && scheduleValue is null) return "nothing to update: give prompt, schedule_type and/or schedule_value";
        if (prompt is not null && prompt.Trim().Length == 0) return "prompt must not be empty";
        var body = new JsonObject { ["type"] = "update_task", ["taskId"] = taskId.Trim() };
        if (prompt is not null) body["prompt"] = prompt;
        if (scheduleType is null && scheduleValue is null) return Stamp(ctx, body, now, ctx.TasksDir);
        var typeText = scheduleType ?? currentType.IfNoneUnsafe((string?)null);
        if (typeText is null) return "give schedule_type together with schedule_value (the task's current type is unknown)";
        if (scheduleValue is null) return "give schedule_value together with schedule_type";
        return
            from type in ScheduleRules.ParseType(typeText)
            from _ in ScheduleRules.Parse(type, scheduleValue, ctx.Zone)
            from request in Stamp(ctx, Set(Set(body, "schedule_type", ScheduleRules.Name(type)), "schedule_value", scheduleValue.Trim()), now, ctx.TasksDir)
            select request;
    }

    public static Either<string, IpcRequest> RegisterGroup(
        ToolContext ctx, string? jid, string? name, string? folder, string? trigger, bool? requiresTrigger, DateTimeOffset now)
    {
        if (!ctx.IsMain) return "only the main group can register groups";
        if (string.IsNullOrWhiteSpace(jid)) return "jid must not be empty";
        if (string.IsNullOrWhiteSpace(name)) return "name must not be empty";
        if (string.IsNullOrWhiteSpace(trigger)) return "trigger must not be empty (e.g. @Andy)";
        return GroupFolder.Validate(folder).Bind(valid =>
        {
            var body = new JsonObject
            {
                ["type"] = "register_group",
                ["jid"] = jid.Trim(),
                ["name"] = name.Trim(),
                ["folder"] = valid,
                ["trigger"] = trigger.Trim(),
            };
            if (requiresTrigger is { } r) body["requiresTrigger"] = r;
            return Stamp(ctx, body, now, ctx.TasksDir);
        });
    }

    private static Either<string, string> ContextModeName(string? mode) =>
        (mode?.Trim().ToLowerInvariant() ?? "group") switch
        {
            "" or "group" => Right<string, string>("group"),
            "isolated" => Right<string, string>("isolated"),
            _ => Left<string, string>($"context_mode must be group or isolated, not '{mode}'"),
        };

    private static JsonObject Set(JsonObject o, string key, string value)
    {
        o[key] = value;
        return o;
    }

    // NanoClaw stamps every request with the sender's folder and time; the host still trusts only the directory.
    private static Either<string, IpcRequest> Stamp(ToolContext ctx, JsonObject body, DateTimeOffset now, string dir)
    {
        body["groupFolder"] = ctx.GroupFolder;
        body["timestamp"] = IsoTimestamp.From(now);
        return new IpcRequest(dir, body);
    }
}
