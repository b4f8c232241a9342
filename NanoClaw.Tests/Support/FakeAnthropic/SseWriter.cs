using System.Text.Json.Nodes;

namespace NanoClaw.Tests.Support.FakeAnthropic;

/// <summary>
/// The Messages API's streaming events for one reply, in the order and shape the real API sends them:
/// message_start, per block content_block_start / delta(s) / content_block_stop, message_delta, message_stop.
/// </summary>
public static class SseEvents
{
    public static IEnumerable<(string Event, JsonObject Data)> For(ScriptedReply reply, string messageId, string model, int inputTokens, FakeUsage? fixedUsage = null)
    {
        yield return ("message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = messageId,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = fixedUsage is { } f ? Usage(f.InputTokens, 1, f.CacheCreationInputTokens, f.CacheReadInputTokens) : Usage(inputTokens, 1),
            },
        });
        yield return ("ping", new JsonObject { ["type"] = "ping" });
        for (var i = 0; i < reply.Blocks.Count; i++)
        {
            switch (reply.Blocks[i])
            {
                case ReplyBlock.Text t:
                    yield return ("content_block_start", BlockStart(i, new JsonObject { ["type"] = "text", ["text"] = "" }));
                    foreach (var piece in Chunks(t.Value, 12))
                        yield return ("content_block_delta", Delta(i, new JsonObject { ["type"] = "text_delta", ["text"] = piece }));
                    break;
                case ReplyBlock.ToolUse u:
                    yield return ("content_block_start", BlockStart(i, new JsonObject
                    {
                        ["type"] = "tool_use", ["id"] = u.Id, ["name"] = u.Name, ["input"] = new JsonObject(),
                    }));
                    foreach (var piece in Chunks(u.Input.ToJsonString(), 16))
                        yield return ("content_block_delta", Delta(i, new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = piece }));
                    break;
            }
            yield return ("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = i });
        }
        yield return ("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = reply.StopReason, ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = fixedUsage?.OutputTokens ?? OutputTokens(reply) },
        });
        yield return ("message_stop", new JsonObject { ["type"] = "message_stop" });
    }

    /// <summary>The same reply as one non-streaming Messages API response.</summary>
    public static JsonObject Message(ScriptedReply reply, string messageId, string model, int inputTokens, FakeUsage? fixedUsage = null) => new()
    {
        ["id"] = messageId,
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = new JsonArray(reply.Blocks.Select(b => (JsonNode)(b switch
        {
            ReplyBlock.Text t => new JsonObject { ["type"] = "text", ["text"] = t.Value },
            ReplyBlock.ToolUse u => new JsonObject { ["type"] = "tool_use", ["id"] = u.Id, ["name"] = u.Name, ["input"] = u.Input.DeepClone() },
            _ => throw new InvalidOperationException(),
        })).ToArray()),
        ["stop_reason"] = reply.StopReason,
        ["stop_sequence"] = null,
        ["usage"] = fixedUsage is { } u
            ? Usage(u.InputTokens, u.OutputTokens, u.CacheCreationInputTokens, u.CacheReadInputTokens)
            : Usage(inputTokens, OutputTokens(reply)),
    };

    private static JsonObject Usage(int input, int output, int cacheCreation = 0, int cacheRead = 0) => new()
    {
        ["input_tokens"] = input,
        ["cache_creation_input_tokens"] = cacheCreation,
        ["cache_read_input_tokens"] = cacheRead,
        ["output_tokens"] = output,
    };

    private static int OutputTokens(ScriptedReply reply) => Math.Max(1, reply.Blocks.Sum(b => b switch
    {
        ReplyBlock.Text t => t.Value.Length / 4,
        ReplyBlock.ToolUse u => u.Input.ToJsonString().Length / 4,
        _ => 0,
    }));

    private static JsonObject BlockStart(int index, JsonObject block) =>
        new() { ["type"] = "content_block_start", ["index"] = index, ["content_block"] = block };

    private static JsonObject Delta(int index, JsonObject delta) =>
        new() { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta };

    private static IEnumerable<string> Chunks(string text, int size)
    {
        if (text.Length == 0) yield return "";
        for (var i = 0; i < text.Length; i += size) yield return text.Substring(i, Math.Min(size, text.Length - i));
    }
}

/// <summary>Token usage the fake reports for every Messages API response, so a test knows the exact totals.</summary>
public sealed record FakeUsage(int InputTokens, int OutputTokens, int CacheCreationInputTokens, int CacheReadInputTokens);
