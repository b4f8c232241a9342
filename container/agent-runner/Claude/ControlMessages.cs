using System.Text.Json.Nodes;

namespace NanoClaw.AgentRunner.Claude;

/// <summary>The JSON lines the runner writes to Claude Code's stdin (streaming-JSON input and control protocol).</summary>
internal static class ControlMessages
{
    /// <param name="content">The prompt text, or content blocks (text and images, see <see cref="ImageBlocks"/>).</param>
    /// <param name="sessionId">The session to continue, or empty.</param>
    public static JsonObject UserMessage(JsonNode content, string sessionId) => new()
    {
        ["type"] = "user",
        ["message"] = new JsonObject { ["role"] = "user", ["content"] = content },
        ["parent_tool_use_id"] = null,
        ["session_id"] = sessionId,
    };

    public static JsonObject Request(string requestId, JsonObject request) => new()
    {
        ["type"] = "control_request",
        ["request_id"] = requestId,
        ["request"] = request,
    };

    /// <summary>The initialize request, registering hook callbacks by id per event and tool matcher.</summary>
    public static JsonObject Initialize(IEnumerable<HookRegistration> hooks)
    {
        var byEvent = new JsonObject();
        foreach (var group in hooks.GroupBy(h => h.Event))
        {
            byEvent[group.Key] = new JsonArray(group.Select(h => (JsonNode)new JsonObject
            {
                ["matcher"] = h.Matcher,
                ["hookCallbackIds"] = new JsonArray(JsonValue.Create(h.CallbackId)),
            }).ToArray());
        }
        return new JsonObject { ["subtype"] = "initialize", ["hooks"] = byEvent };
    }

    public static JsonObject Success(string requestId, JsonObject response) => new()
    {
        ["type"] = "control_response",
        ["response"] = new JsonObject
        {
            ["subtype"] = "success",
            ["request_id"] = requestId,
            ["response"] = response,
        },
    };

    public static JsonObject Failure(string requestId, string error) => new()
    {
        ["type"] = "control_response",
        ["response"] = new JsonObject
        {
            ["subtype"] = "error",
            ["request_id"] = requestId,
            ["error"] = error,
        },
    };
}

/// <summary>One hook the runner answers: event name (PreToolUse, PreCompact …), tool matcher, callback id.</summary>
internal sealed record HookRegistration(string Event, string? Matcher, string CallbackId);
