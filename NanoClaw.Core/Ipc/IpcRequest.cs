using LanguageExt;
using NanoClaw.Core.Domain;

namespace NanoClaw.Core.Ipc;

/// <summary>
/// A request an agent wrote into its group's IPC directory (SPEC §8), parsed and shape-checked by
/// <see cref="IpcParser"/> but not yet authorised: who sent it is the directory it was found in, never a field.
/// </summary>
public abstract record IpcRequest
{
    private IpcRequest() { }

    /// <summary>The wire <c>type</c> of this request (e.g. <c>schedule_task</c>).</summary>
    public abstract string Type { get; }

    /// <summary><c>messages/*.json</c> <c>{type:"message", chatJid, text, sender?}</c>: send text to a chat.</summary>
    /// <param name="ChatJid">Destination chat.</param>
    /// <param name="Text">Raw agent text; it still goes through the outbound path.</param>
    /// <param name="Sender">Optional display identity (used by channels that can post as named bots).</param>
    public sealed record SendMessage(string ChatJid, string Text, Option<string> Sender) : IpcRequest
    {
        /// <inheritdoc />
        public override string Type => IpcTypes.Message;
    }

    /// <summary><c>messages/*.json</c> <c>{type:"send_file", chatJid, path, caption?}</c>: send a file the agent wrote (or received) to a chat.</summary>
    /// <param name="ChatJid">Destination chat.</param>
    /// <param name="Path">The file as the container sees it, checked: under <c>/workspace/group</c> or <c>/workspace/media</c>.</param>
    /// <param name="Caption">Optional text shown with the file (agent text: it still goes through the outbound path).</param>
    public sealed record SendFile(string ChatJid, Media.OutboundFilePath Path, Option<string> Caption) : IpcRequest
    {
        /// <inheritdoc />
        public override string Type => IpcTypes.SendFile;
    }

    /// <summary><c>schedule_task</c>: create a task for a registered chat.</summary>
    /// <param name="Prompt">Prompt the agent receives when the task runs.</param>
    /// <param name="ScheduleType">How <paramref name="ScheduleValue"/> is read.</param>
    /// <param name="ScheduleValue">Cron expression, interval in ms, or local timestamp (validated at authorisation, in the configured zone).</param>
    /// <param name="ContextMode">Session handling; <c>isolated</c> when the file does not say.</param>
    /// <param name="TargetJid">Chat the task belongs to and reports to.</param>
    /// <param name="Script">Optional bash pre-check run in the container.</param>
    public sealed record ScheduleTask(string Prompt, ScheduleType ScheduleType, string ScheduleValue, ContextMode ContextMode, string TargetJid, Option<string> Script) : IpcRequest
    {
        /// <inheritdoc />
        public override string Type => IpcTypes.ScheduleTask;
    }

    /// <summary><c>pause_task</c>: stop running a task without deleting it.</summary>
    /// <param name="TaskId">Task to pause.</param>
    public sealed record PauseTask(string TaskId) : IpcRequest
    {
        /// <inheritdoc />
        public override string Type => IpcTypes.PauseTask;
    }

    /// <summary><c>resume_task</c>: run a paused task again.</summary>
    /// <param name="TaskId">Task to resume.</param>
    public sealed record ResumeTask(string TaskId) : IpcRequest
    {
        /// <inheritdoc />
        public override string Type => IpcTypes.ResumeTask;
    }

    /// <summary><c>cancel_task</c>: delete a task.</summary>
    /// <param name="TaskId">Task to delete.</param>
    public sealed record CancelTask(string TaskId) : IpcRequest
    {
        /// <inheritdoc />
        public override string Type => IpcTypes.CancelTask;
    }

    /// <summary><c>update_task</c>: change a task's prompt and/or schedule; the next run is recomputed when the schedule changes.</summary>
    /// <param name="TaskId">Task to change.</param>
    /// <param name="Prompt">New prompt, if given.</param>
    /// <param name="ScheduleType">New schedule type, if given.</param>
    /// <param name="ScheduleValue">New schedule value, if given.</param>
    public sealed record UpdateTask(string TaskId, Option<string> Prompt, Option<ScheduleType> ScheduleType, Option<string> ScheduleValue) : IpcRequest
    {
        /// <summary>New script, if given; an empty string removes the script.</summary>
        public Option<string> Script { get; init; }

        /// <inheritdoc />
        public override string Type => IpcTypes.UpdateTask;
    }

    /// <summary><c>refresh_groups</c>: force a group metadata sync and rewrite the groups snapshot (main only).</summary>
    public sealed record RefreshGroups : IpcRequest
    {
        /// <inheritdoc />
        public override string Type => IpcTypes.RefreshGroups;
    }

    /// <summary><c>register_group</c>: start serving a chat with its own folder (main only).</summary>
    /// <param name="Jid">Chat to register.</param>
    /// <param name="Name">Display name.</param>
    /// <param name="Folder">Folder under <c>groups/</c>.</param>
    /// <param name="Trigger">Trigger text, e.g. <c>@Andy</c>.</param>
    /// <param name="RequiresTrigger">False when every message should wake the agent; true when the file does not say.</param>
    /// <param name="ContainerConfig">Extra mounts and timeout, if any.</param>
    public sealed record RegisterGroup(string Jid, string Name, string Folder, string Trigger, bool RequiresTrigger, Option<ContainerConfig> ContainerConfig) : IpcRequest
    {
        /// <inheritdoc />
        public override string Type => IpcTypes.RegisterGroup;
    }
}

/// <summary>The wire names of IPC request types.</summary>
public static class IpcTypes
{
    /// <summary><c>messages/*.json</c> type.</summary>
    public const string Message = "message";
    /// <summary><c>messages/*.json</c> type for a file.</summary>
    public const string SendFile = "send_file";
    /// <summary>Create a task.</summary>
    public const string ScheduleTask = "schedule_task";
    /// <summary>Pause a task.</summary>
    public const string PauseTask = "pause_task";
    /// <summary>Resume a task.</summary>
    public const string ResumeTask = "resume_task";
    /// <summary>Delete a task.</summary>
    public const string CancelTask = "cancel_task";
    /// <summary>Change a task.</summary>
    public const string UpdateTask = "update_task";
    /// <summary>Sync group metadata.</summary>
    public const string RefreshGroups = "refresh_groups";
    /// <summary>Register a chat.</summary>
    public const string RegisterGroup = "register_group";
}

/// <summary>Size limits the parser enforces, so one runaway agent cannot flood a chat, the store or the host's memory.</summary>
public static class IpcLimits
{
    /// <summary>Largest IPC file accepted, in characters (1 MiB).</summary>
    public const int MaxFileChars = 1024 * 1024;

    /// <summary>Longest message text or task prompt, in characters (64 KiB, about WhatsApp's own limit).</summary>
    public const int MaxTextChars = 64 * 1024;

    /// <summary>Longest task script, in characters (64 KiB).</summary>
    public const int MaxScriptChars = 64 * 1024;

    /// <summary>Longest chat id or task id.</summary>
    public const int MaxIdChars = 256;

    /// <summary>Longest caption of a sent file, in characters (WhatsApp shows about this much under a file).</summary>
    public const int MaxCaptionChars = 4096;

    /// <summary>Longest display name, sender name or trigger.</summary>
    public const int MaxNameChars = 256;

    /// <summary>Longest schedule value.</summary>
    public const int MaxScheduleValueChars = 256;

    /// <summary>Longest path in a container config.</summary>
    public const int MaxPathChars = 4096;

    /// <summary>Most additional mounts one group may request.</summary>
    public const int MaxMounts = 64;

    /// <summary>Deepest JSON nesting accepted.</summary>
    public const int MaxDepth = 16;
}
