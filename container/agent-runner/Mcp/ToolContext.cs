namespace NanoClaw.AgentRunner.Mcp;

/// <summary>Who is calling the nanoclaw tools: fixed for the container's lifetime, passed by the runner in the environment.</summary>
internal sealed record ToolContext(string ChatJid, string GroupFolder, bool IsMain, string IpcDir, TimeZoneInfo Zone)
{
    public string MessagesDir => Path.Combine(IpcDir, "messages");
    public string TasksDir => Path.Combine(IpcDir, "tasks");

    /// <summary>The host's read-only snapshots (NANOCLAW_SNAPSHOTS_DIR), not the writable IPC directory.</summary>
    public string SnapshotsDir { get; init; } = "/workspace/snapshots";

    public string TasksSnapshot => Path.Combine(SnapshotsDir, "current_tasks.json");

    public static ToolContext FromEnvironment() => new(
        Env("NANOCLAW_CHAT_JID") ?? "",
        Env("NANOCLAW_GROUP_FOLDER") ?? "",
        Env("NANOCLAW_IS_MAIN") is "1" or "true",
        Env("NANOCLAW_IPC_DIR") ?? "/workspace/ipc",
        ZoneFrom(Env("TZ")))
    {
        SnapshotsDir = Env("NANOCLAW_SNAPSHOTS_DIR") ?? "/workspace/snapshots",
    };

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private static TimeZoneInfo ZoneFrom(string? id)
    {
        if (id is null) return TimeZoneInfo.Local;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.TrimStart(':'));
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            Log.Info($"unknown TZ '{id}', using UTC");
            return TimeZoneInfo.Utc;
        }
    }
}
