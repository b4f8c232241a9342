using System.Text.Json.Nodes;

namespace NanoClaw.Tests.Support.FakeAnthropic;

/// <summary>One content block of a scripted assistant reply.</summary>
public abstract record ReplyBlock
{
    public sealed record Text(string Value) : ReplyBlock;

    public sealed record ToolUse(string Id, string Name, JsonObject Input) : ReplyBlock;
}

/// <summary>
/// What the fake API answers to one conversation request: text and/or tool_use blocks. A reply with a tool_use
/// stops with <c>tool_use</c>, so Claude Code runs the tool and sends the tool_result in its next request.
/// </summary>
public sealed record ScriptedReply(IReadOnlyList<ReplyBlock> Blocks)
{
    public static ScriptedReply Text(string text) => new([new ReplyBlock.Text(text)]);

    public static ScriptedReply ToolUse(string name, JsonObject input) =>
        new([new ReplyBlock.ToolUse("toolu_" + Guid.NewGuid().ToString("N")[..20], name, input)]);

    public string StopReason => Blocks.Any(b => b is ReplyBlock.ToolUse) ? "tool_use" : "end_turn";
}
