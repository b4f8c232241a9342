namespace NanoClaw.AgentRunner.Prompts;

/// <summary>How the runner words what it hands to the model. Pure.</summary>
internal static class PromptText
{
    public const string ScheduledNotice =
        "[Scheduled task: this message was sent automatically by a schedule, not by the user or anyone in the chat.]";

    /// <summary>The first prompt: the host's prompt (marked if a schedule sent it) plus any input that was already waiting.</summary>
    public static string First(string prompt, bool isScheduledTask, IReadOnlyList<string> pending, string? scriptData)
    {
        var body = scriptData is null ? prompt : $"{prompt}\n\nData from the task's script:\n{scriptData}";
        var first = isScheduledTask ? $"{ScheduledNotice}\n\n{body}" : body;
        return pending.Count == 0 ? first : Merge([first, .. pending]);
    }

    /// <summary>Several pending messages become one turn, in arrival order.</summary>
    public static string Merge(IReadOnlyList<string> messages) => string.Join("\n", messages);
}
