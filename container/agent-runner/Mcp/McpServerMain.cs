using System.Reflection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace NanoClaw.AgentRunner.Mcp;

/// <summary>The nanoclaw MCP server over stdio, as Claude Code starts it (<c>nanoclaw-agent-runner mcp</c>).</summary>
internal static class McpServerMain
{
    private static readonly (string Method, string Tool)[] Tools =
    [
        (nameof(NanoClawTools.SendMessage), "send_message"),
        (nameof(NanoClawTools.SendFile), "send_file"),
        (nameof(NanoClawTools.ScheduleTask), "schedule_task"),
        (nameof(NanoClawTools.ListTasks), "list_tasks"),
        (nameof(NanoClawTools.PauseTask), "pause_task"),
        (nameof(NanoClawTools.ResumeTask), "resume_task"),
        (nameof(NanoClawTools.CancelTask), "cancel_task"),
        (nameof(NanoClawTools.UpdateTask), "update_task"),
        (nameof(NanoClawTools.RegisterGroup), "register_group"),
    ];

    public static async Task<int> RunAsync()
    {
        var ctx = ToolContext.FromEnvironment();
        var tools = new NanoClawTools(ctx, TimeProvider.System);
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "nanoclaw", Version = "1.0.0" },
            ToolCollection = [],
        };
        foreach (var (method, name) in Tools)
        {
            var info = typeof(NanoClawTools).GetMethod(method, BindingFlags.Public | BindingFlags.Instance)!;
            options.ToolCollection.Add(McpServerTool.Create(info, tools, new McpServerToolCreateOptions { Name = name }));
        }
        Log.Info($"mcp: nanoclaw server for {ctx.GroupFolder} (main: {ctx.IsMain})");
        await using var transport = new StdioServerTransport(options);
        await using var server = McpServer.Create(transport, options);
        await server.RunAsync();
        return 0;
    }
}
