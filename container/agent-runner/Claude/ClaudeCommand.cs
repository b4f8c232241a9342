using System.Text.Json.Nodes;
using LanguageExt;

namespace NanoClaw.AgentRunner.Claude;

/// <summary>What the claude process needs to know about this run.</summary>
internal sealed record ClaudeLaunch(
    Option<string> ResumeSessionId,
    IReadOnlyList<string> ExtraDirectories,
    Option<string> AppendSystemPrompt,
    McpServerLaunch NanoClawServer);

/// <summary>How Claude Code starts the nanoclaw MCP server: this runner again, with the <c>mcp</c> argument.</summary>
internal sealed record McpServerLaunch(string Command, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Env);

/// <summary>The claude command line (SPEC §10 step 2). Pure: the same launch always gives the same arguments.</summary>
internal static class ClaudeCommand
{
    /// <summary>Tools the agent may use without asking; the nanoclaw MCP tools are added by pattern.</summary>
    public static readonly IReadOnlyList<string> AllowedTools =
    [
        "Bash", "Read", "Write", "Edit", "Glob", "Grep", "WebSearch", "WebFetch",
        "Task", "TaskOutput", "TaskStop", "TeamCreate", "TeamDelete", "SendMessage",
        "TodoWrite", "ToolSearch", "Skill", "NotebookEdit", "mcp__nanoclaw__*",
    ];

    /// <summary>
    /// NanoClaw's default settings, passed inline with <c>--settings</c>. The host used to write them into the
    /// group's writable session store, where a planted link made it write elsewhere; passed on the command line
    /// they need no file at all, and a <c>settings.json</c> the user (or agent) keeps in the store still applies.
    /// </summary>
    public const string DefaultSettings =
        """{"env":{"CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS":"1","CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD":"1","CLAUDE_CODE_DISABLE_AUTO_MEMORY":"0"}}""";

    public static IReadOnlyList<string> Arguments(ClaudeLaunch launch)
    {
        // Variadic flags (--add-dir, --allowedTools, --mcp-config) take the "=value" form so a value can
        // never swallow the next flag or be read as one.
        var args = new List<string>
        {
            "-p",
            "--input-format", "stream-json",
            "--output-format", "stream-json",
            "--verbose",
            "--permission-mode", "bypassPermissions",
            "--setting-sources=project,user",
            "--settings=" + DefaultSettings,
            "--allowedTools=" + string.Join(',', AllowedTools),
        };
        args.AddRange(launch.ExtraDirectories.Select(d => "--add-dir=" + d));
        launch.ResumeSessionId.IfSome(id => args.Add("--resume=" + id));
        launch.AppendSystemPrompt.IfSome(p => { args.Add("--append-system-prompt"); args.Add(p); });
        args.Add("--mcp-config=" + McpConfig(launch.NanoClawServer));
        return args;
    }

    public static string McpConfig(McpServerLaunch server)
    {
        var env = new JsonObject();
        foreach (var (k, v) in server.Env.OrderBy(p => p.Key, StringComparer.Ordinal)) env[k] = v;
        var nanoclaw = new JsonObject
        {
            ["type"] = "stdio",
            ["command"] = server.Command,
            ["args"] = new JsonArray(server.Args.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
            ["env"] = env,
        };
        return new JsonObject { ["mcpServers"] = new JsonObject { ["nanoclaw"] = nanoclaw } }.ToJsonString();
    }
}
