using System.ComponentModel;
using System.Reflection;
using NanoClaw.AgentRunner.Mcp;

namespace NanoClaw.Tests.Agent;

/// <summary>
/// The descriptions the model reads for the nanoclaw tools (Claude Code defers MCP tools behind ToolSearch, so an
/// end-to-end turn does not show them): they must speak of every channel the host serves, not of WhatsApp alone.
/// </summary>
public sealed class ToolDescriptionTests
{
    private static IEnumerable<string> AllDescriptions() =>
        typeof(NanoClawTools).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .SelectMany(m => m.GetParameters().Select(p => p.GetCustomAttribute<DescriptionAttribute>()).Prepend(m.GetCustomAttribute<DescriptionAttribute>()))
            .OfType<DescriptionAttribute>()
            .Select(d => d.Description);

    [Fact]
    public void Register_group_describes_chat_ids_of_every_channel()
    {
        var method = typeof(NanoClawTools).GetMethod(nameof(NanoClawTools.RegisterGroup))!;
        var description = method.GetCustomAttribute<DescriptionAttribute>()!.Description;
        var jid = method.GetParameters().Single(p => p.Name == "jid").GetCustomAttribute<DescriptionAttribute>()!.Description;

        Assert.Contains("Telegram", description, StringComparison.Ordinal);
        Assert.Contains("available_groups.json", description, StringComparison.Ordinal);
        Assert.Contains("@g.us", jid, StringComparison.Ordinal);
        Assert.Contains("tg:-", jid, StringComparison.Ordinal);
        Assert.Contains("local:", jid, StringComparison.Ordinal);
    }

    [Fact]
    public void No_tool_description_speaks_of_WhatsApp_alone()
    {
        var descriptions = AllDescriptions().ToList();
        Assert.True(descriptions.Count > 20, $"only {descriptions.Count} descriptions found"); // the reflection really reads the tools
        Assert.All(descriptions.Where(d => d.Contains("WhatsApp", StringComparison.Ordinal)),
            d => Assert.Contains("Telegram", d, StringComparison.Ordinal));
    }
}
