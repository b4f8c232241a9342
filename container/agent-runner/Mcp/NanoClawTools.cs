using System.ComponentModel;
using LanguageExt;
using ModelContextProtocol.Protocol;
using NanoClaw.AgentRunner.Ipc;

namespace NanoClaw.AgentRunner.Mcp;

/// <summary>
/// The nanoclaw MCP tools. Each validates through <see cref="ToolRequests"/>; a refusal is answered to the model
/// as a tool error and writes nothing, an accepted call writes one IPC file for the host.
/// </summary>
internal sealed class NanoClawTools(ToolContext ctx, TimeProvider clock)
{
    [Description("Send a message to the chat right away, while you keep working (progress updates, several messages). Your final answer is sent anyway; do not repeat it here.")]
    public CallToolResult SendMessage(
        [Description("The message text.")] string text,
        [Description("Optional name shown as the sender (a role or persona).")] string? sender = null) =>
        Write(ToolRequests.SendMessage(ctx, text, sender, clock.GetUtcNow()), "Message sent.");

    [Description("Send a file to the chat (a picture, PDF, audio, video or any document) from your folder /workspace/group (write it there first) or from /workspace/media. It arrives as a photo, video, audio or document depending on its content.")]
    public CallToolResult SendFile(
        [Description("Absolute path under /workspace/group or /workspace/media (a relative path is taken under /workspace/group).")] string path,
        [Description("Optional text shown with the file.")] string? caption = null) =>
        Write(ToolRequests.SendFile(ctx, path, caption, IsRegularFile, clock.GetUtcNow()), $"File {path} queued for sending.");

    // Links are refused here too (the host refuses them anyway): lstat, not stat.
    private static bool IsRegularFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists && info.LinkTarget is null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [Description("Schedule a task: a prompt the agent runs later, once or repeatedly. Times are local to the assistant's timezone.")]
    public CallToolResult ScheduleTask(
        [Description("What the agent should do when the task runs.")] string prompt,
        [Description("cron, interval or once.")] string schedule_type,
        [Description("cron: 5-field expression like '0 9 * * 1-5'; interval: milliseconds like '3600000'; once: local time without zone like '2026-02-01T15:30:00'.")] string schedule_value,
        [Description("group: run with this chat's conversation history; isolated: a fresh session.")] string context_mode = "group",
        [Description("Main group only: the chat JID of another registered group to run the task in.")] string? target_group_jid = null) =>
        Write(ToolRequests.ScheduleTask(ctx, prompt, schedule_type, schedule_value, context_mode, target_group_jid, clock.GetUtcNow()),
            $"Task scheduled ({schedule_type}: {schedule_value}).");

    [Description("List the scheduled tasks you can see (main group: all tasks; other groups: their own).")]
    public CallToolResult ListTasks() => Text(TaskSnapshot.Describe(TaskSnapshot.Read(ctx.TasksSnapshot), ctx), isError: false);

    [Description("Pause a scheduled task.")]
    public CallToolResult PauseTask([Description("The task id.")] string task_id) =>
        Write(ToolRequests.TaskCommand(ctx, "pause_task", task_id, clock.GetUtcNow()), $"Task {task_id} pause requested.");

    [Description("Resume a paused task.")]
    public CallToolResult ResumeTask([Description("The task id.")] string task_id) =>
        Write(ToolRequests.TaskCommand(ctx, "resume_task", task_id, clock.GetUtcNow()), $"Task {task_id} resume requested.");

    [Description("Cancel (delete) a scheduled task.")]
    public CallToolResult CancelTask([Description("The task id.")] string task_id) =>
        Write(ToolRequests.TaskCommand(ctx, "cancel_task", task_id, clock.GetUtcNow()), $"Task {task_id} cancellation requested.");

    [Description("Change a scheduled task's prompt and/or schedule; the next run is recomputed.")]
    public CallToolResult UpdateTask(
        [Description("The task id.")] string task_id,
        [Description("New prompt.")] string? prompt = null,
        [Description("New schedule type: cron, interval or once.")] string? schedule_type = null,
        [Description("New schedule value (same formats as schedule_task).")] string? schedule_value = null) =>
        Write(ToolRequests.UpdateTask(ctx, task_id, prompt, schedule_type, schedule_value,
                TaskSnapshot.TypeOf(TaskSnapshot.Read(ctx.TasksSnapshot), task_id ?? ""), clock.GetUtcNow()),
            $"Task {task_id} update requested.");

    [Description("Main group only: register a chat of any channel (WhatsApp, Telegram, local chat) so the assistant answers there. Find chat JIDs in /workspace/snapshots/available_groups.json.")]
    public CallToolResult RegisterGroup(
        [Description("The chat JID as listed in available_groups.json: a WhatsApp group like 120363336345536173@g.us, a Telegram chat like tg:-1001234567890 (groups are negative), or a local chat like local:kitchen.")] string jid,
        [Description("Display name of the group.")] string name,
        [Description("Folder for the group's files: letters, digits, '_' or '-' (e.g. family-chat).")] string folder,
        [Description("Trigger word, e.g. @Andy.")] string trigger,
        [Description("false: answer every message without the trigger.")] bool? requires_trigger = null) =>
        Write(ToolRequests.RegisterGroup(ctx, jid, name, folder, trigger, requires_trigger, clock.GetUtcNow()),
            $"Group '{name}' registration requested (folder {folder}).");

    private CallToolResult Write(Either<string, IpcRequest> request, string confirmation) =>
        request.Match(
            Right: r =>
            {
                var path = IpcFileWriter.Write(r.Directory, r.Body, clock.GetUtcNow());
                Log.Info($"mcp: wrote {Path.GetFileName(Path.GetDirectoryName(path))}/{Path.GetFileName(path)}");
                return Text(confirmation, isError: false);
            },
            Left: reason =>
            {
                Log.Info("mcp: refused: " + reason);
                return Text("Error: " + reason, isError: true);
            });

    private static CallToolResult Text(string text, bool isError) =>
        new() { Content = [new TextContentBlock { Text = text }], IsError = isError };
}
