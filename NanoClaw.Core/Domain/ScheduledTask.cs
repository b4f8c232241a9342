using LanguageExt;

namespace NanoClaw.Core.Domain;

/// <summary>How a task's schedule value is read.</summary>
public enum ScheduleType
{
    /// <summary>Five-field cron expression in the configured time zone.</summary>
    Cron,
    /// <summary>Positive number of milliseconds between runs.</summary>
    Interval,
    /// <summary>One local timestamp without zone suffix.</summary>
    Once,
}

/// <summary>Whether a task run resumes the group's session or starts fresh.</summary>
public enum ContextMode
{
    /// <summary>Resume the group's conversation session.</summary>
    Group,
    /// <summary>Start a fresh session for each run.</summary>
    Isolated,
}

/// <summary>Lifecycle state of a scheduled task.</summary>
public enum TaskStatus
{
    /// <summary>Runs when due.</summary>
    Active,
    /// <summary>Kept but not run.</summary>
    Paused,
    /// <summary>A once-task that has run.</summary>
    Completed,
}

/// <summary>A recurring or one-off prompt for a group's agent (the <c>scheduled_tasks</c> table).</summary>
/// <param name="Id">Task id.</param>
/// <param name="GroupFolder">Folder of the owning group.</param>
/// <param name="ChatJid">Chat the results are sent to.</param>
/// <param name="Prompt">Prompt given to the agent.</param>
/// <param name="ScheduleType">How <paramref name="ScheduleValue"/> is read.</param>
/// <param name="ScheduleValue">Cron expression, interval in ms, or local timestamp.</param>
/// <param name="ContextMode">Session handling for runs.</param>
/// <param name="Script">Optional bash script run before waking the agent.</param>
/// <param name="NextRun">ISO UTC time of the next run; none when completed.</param>
/// <param name="LastRun">ISO UTC time of the last run.</param>
/// <param name="LastResult">First 200 characters of the last result, or <c>Error: …</c>.</param>
/// <param name="Status">Lifecycle state.</param>
/// <param name="CreatedAt">ISO UTC creation time.</param>
public sealed record ScheduledTask(
    string Id,
    string GroupFolder,
    string ChatJid,
    string Prompt,
    ScheduleType ScheduleType,
    string ScheduleValue,
    ContextMode ContextMode,
    Option<string> Script,
    Option<string> NextRun,
    Option<string> LastRun,
    Option<string> LastResult,
    TaskStatus Status,
    string CreatedAt);

/// <summary>Outcome of one task run.</summary>
public enum RunStatus
{
    /// <summary>The run completed.</summary>
    Success,
    /// <summary>The run failed.</summary>
    Error,
}

/// <summary>One row of <c>task_run_logs</c>.</summary>
/// <param name="TaskId">Task that ran.</param>
/// <param name="RunAt">ISO UTC start time.</param>
/// <param name="DurationMs">Duration in milliseconds.</param>
/// <param name="Status">Outcome.</param>
/// <param name="Result">Result text, if any.</param>
/// <param name="Error">Error text, if any.</param>
public sealed record TaskRunLog(string TaskId, string RunAt, long DurationMs, RunStatus Status, Option<string> Result, Option<string> Error);
