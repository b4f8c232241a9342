namespace NanoClaw.AgentRunner;

/// <summary>
/// Where the runner finds the group's files. In the image everything lives under /workspace; host tests point
/// NANOCLAW_WORKSPACE at a temp directory instead, with the same layout.
/// </summary>
internal sealed record RunnerPaths(string Workspace)
{
    public string Group => Path.Combine(Workspace, "group");
    public string Global => Path.Combine(Workspace, "global");
    public string GlobalMemory => Path.Combine(Global, "CLAUDE.md");
    public string Extra => Path.Combine(Workspace, "extra");
    public string Ipc => Path.Combine(Workspace, "ipc");
    public string IpcInput => Path.Combine(Ipc, "input");
    public string IpcMessages => Path.Combine(Ipc, "messages");
    public string IpcTasks => Path.Combine(Ipc, "tasks");
    public string CloseSentinel => Path.Combine(IpcInput, "_close");
    /// <summary>Read-only snapshots the host writes before each run (tasks, groups): never in a directory the agent can write.</summary>
    public string Snapshots => Path.Combine(Workspace, "snapshots");
    public string TasksSnapshot => Path.Combine(Snapshots, "current_tasks.json");
    public string Conversations => Path.Combine(Group, "conversations");
    /// <summary>The group's inbound media (photos, documents, voice notes), mounted read-only by the host.</summary>
    public string Media => Path.Combine(Workspace, "media");

    public static RunnerPaths FromEnvironment() =>
        new(NonEmpty(Environment.GetEnvironmentVariable("NANOCLAW_WORKSPACE")) ?? "/workspace");

    /// <summary>The claude executable: NANOCLAW_CLAUDE_BIN, else <c>claude</c> on PATH.</summary>
    public static string ClaudeExecutable() => NonEmpty(Environment.GetEnvironmentVariable("NANOCLAW_CLAUDE_BIN")) ?? "claude";

    /// <summary>Sub-directories of /workspace/extra, each an additional directory for Claude Code, in a stable order.</summary>
    public IReadOnlyList<string> ExtraDirectories() =>
        Directory.Exists(Extra)
            ? Directory.GetDirectories(Extra).Order(StringComparer.Ordinal).ToList()
            : [];

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
