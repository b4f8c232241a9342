using LanguageExt;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Store;

/// <summary>How domain values are written in NanoClaw's columns (the text NanoClaw used), and read back.</summary>
internal static class StoreValues
{
    public static Option<string> Opt(string? value) => Optional(value);

    public static string? OrNull(Option<string> value) => value.MatchUnsafe(v => v, () => (string?)null);

    public static string Text(ScheduleType type) => type switch
    {
        ScheduleType.Cron => "cron",
        ScheduleType.Interval => "interval",
        _ => "once",
    };

    public static Option<ScheduleType> ScheduleTypeOf(string? text) => text switch
    {
        "cron" => ScheduleType.Cron,
        "interval" => ScheduleType.Interval,
        "once" => ScheduleType.Once,
        _ => None,
    };

    public static string Text(ContextMode mode) => mode == ContextMode.Group ? "group" : "isolated";

    /// <summary>NanoClaw's default for missing or unknown values is <c>isolated</c>.</summary>
    public static ContextMode ContextModeOf(string? text) => text == "group" ? ContextMode.Group : ContextMode.Isolated;

    public static string Text(Core.Domain.TaskStatus status) => status switch
    {
        Core.Domain.TaskStatus.Active => "active",
        Core.Domain.TaskStatus.Paused => "paused",
        _ => "completed",
    };

    public static Option<Core.Domain.TaskStatus> TaskStatusOf(string? text) => text switch
    {
        "active" or null => Core.Domain.TaskStatus.Active,
        "paused" => Core.Domain.TaskStatus.Paused,
        "completed" => Core.Domain.TaskStatus.Completed,
        _ => None,
    };

    public static string Text(RunStatus status) => status == RunStatus.Success ? "success" : "error";

    public static RunStatus RunStatusOf(string? text) => text == "success" ? RunStatus.Success : RunStatus.Error;
}
