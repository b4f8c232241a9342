using System.Text.Json.Nodes;

namespace NanoClaw.Tests.Support.FakeAnthropic;

/// <summary>A request the fake API received, with helpers to look inside Messages API bodies.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string RawBody)
{
    public JsonObject? Body { get; } = TryParse(RawBody);

    /// <summary>True for a main-loop turn of the conversation (it offers tools); side calls (titles, summaries) offer none.</summary>
    public bool IsConversationTurn =>
        Path.StartsWith("/v1/messages", StringComparison.Ordinal) && !Path.Contains("count_tokens", StringComparison.Ordinal)
        && Body?["tools"] is JsonArray { Count: > 0 };

    public bool Streams => Body?["stream"] is JsonValue v && v.TryGetValue<bool>(out var s) && s;

    public IReadOnlyList<string> ToolNames =>
        (Body?["tools"] as JsonArray)?.OfType<JsonObject>().Select(t => (string?)t["name"] ?? "").ToList() ?? [];

    public JsonArray Messages => Body?["messages"] as JsonArray ?? [];

    /// <summary>The tool_result blocks of the last user message (what came back from the tools the fake asked for).</summary>
    public IReadOnlyList<JsonObject> ToolResults =>
        Messages.OfType<JsonObject>().LastOrDefault(m => (string?)m["role"] == "user")?["content"] is JsonArray content
            ? content.OfType<JsonObject>().Where(b => (string?)b["type"] == "tool_result").ToList()
            : [];

    /// <summary>All text the request carries in its messages (user, assistant, tool results), for "did the history come along" checks.</summary>
    public string AllMessageText => Messages.ToJsonString();

    /// <summary>The text of a tool_result's content (string or text blocks).</summary>
    public static string ContentText(JsonObject toolResult) => toolResult["content"] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray blocks => string.Join("\n", blocks.OfType<JsonObject>().Select(b => (string?)b["text"] ?? "")),
        _ => "",
    };

    public static bool IsError(JsonObject toolResult) =>
        toolResult["is_error"] is JsonValue v && v.TryGetValue<bool>(out var e) && e;

    private static JsonObject? TryParse(string raw)
    {
        try
        {
            return raw.Length == 0 ? null : JsonNode.Parse(raw) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
