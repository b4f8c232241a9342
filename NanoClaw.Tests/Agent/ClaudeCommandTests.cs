using System.Text.Json.Nodes;
using LanguageExt;
using NanoClaw.AgentRunner.Claude;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Agent;

public sealed class ClaudeCommandTests
{
    private static readonly McpServerLaunch Server = new(
        "/usr/local/bin/nanoclaw-agent-runner", ["mcp"],
        new Dictionary<string, string> { ["NANOCLAW_CHAT_JID"] = "x@g.us", ["NANOCLAW_IS_MAIN"] = "0" });

    private static IReadOnlyList<string> Args(Option<string> resume = default, Option<string> system = default, params string[] extra) =>
        ClaudeCommand.Arguments(new ClaudeLaunch(resume, extra, system, Server));

    [Fact]
    public void Streams_json_both_ways_and_bypasses_permission_prompts()
    {
        var args = Args();
        Assert.Contains("-p", args);
        Assert.Equal("stream-json", args[args.ToList().IndexOf("--input-format") + 1]);
        Assert.Equal("stream-json", args[args.ToList().IndexOf("--output-format") + 1]);
        Assert.Equal("bypassPermissions", args[args.ToList().IndexOf("--permission-mode") + 1]);
        Assert.Contains("--setting-sources=project,user", args);
    }

    [Fact]
    public void Allows_exactly_the_spec_tools_and_the_nanoclaw_mcp_tools()
    {
        var allowed = Assert.Single(Args(), a => a.StartsWith("--allowedTools=", StringComparison.Ordinal))["--allowedTools=".Length..].Split(',');
        string[] spec =
        [
            "Bash", "Read", "Write", "Edit", "Glob", "Grep", "WebSearch", "WebFetch", "Task", "TaskOutput", "TaskStop",
            "TeamCreate", "TeamDelete", "SendMessage", "TodoWrite", "ToolSearch", "Skill", "NotebookEdit", "mcp__nanoclaw__*",
        ];
        Assert.Equal(spec.Order(), allowed.Order());
    }

    [Fact]
    public void Resume_extra_dirs_and_system_prompt_appear_only_when_given()
    {
        var bare = Args();
        Assert.DoesNotContain(bare, a => a.StartsWith("--resume", StringComparison.Ordinal) || a.StartsWith("--add-dir", StringComparison.Ordinal));
        Assert.DoesNotContain("--append-system-prompt", bare);

        var full = Args(Some("abc-123"), Some("-- global memory --"), "/workspace/extra/a", "/workspace/extra/b");
        Assert.Contains("--resume=abc-123", full);
        Assert.Contains("--add-dir=/workspace/extra/a", full);
        Assert.Contains("--add-dir=/workspace/extra/b", full);
        // A prompt starting with dashes stays one argument after its flag.
        Assert.Equal("-- global memory --", full[full.ToList().IndexOf("--append-system-prompt") + 1]);
    }

    [Fact]
    public void Mcp_config_registers_the_runner_as_the_nanoclaw_stdio_server()
    {
        var config = Assert.Single(Args(), a => a.StartsWith("--mcp-config=", StringComparison.Ordinal))["--mcp-config=".Length..];
        var server = JsonNode.Parse(config)!["mcpServers"]!["nanoclaw"]!;
        Assert.Equal("stdio", (string?)server["type"]);
        Assert.Equal("/usr/local/bin/nanoclaw-agent-runner", (string?)server["command"]);
        Assert.Equal("mcp", (string?)server["args"]![0]);
        Assert.Equal("x@g.us", (string?)server["env"]!["NANOCLAW_CHAT_JID"]);
    }
}
