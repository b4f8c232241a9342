using System.Text.Json.Nodes;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.EndToEnd;

/// <summary>Readable views of what the fake API received (the recorded bodies are large; failures print these instead).</summary>
public static class ApiRequests
{
    /// <summary>The plain text of every user text block in the request, unescaped, one block per line.</summary>
    public static string UserText(RecordedRequest request) => string.Join("\n",
        request.Messages.OfType<JsonObject>()
            .Where(m => (string?)m["role"] == "user")
            .SelectMany(m => m["content"] switch
            {
                JsonValue v when v.TryGetValue<string>(out var s) => [s],
                JsonArray blocks => blocks.OfType<JsonObject>().Where(b => (string?)b["type"] == "text").Select(b => (string?)b["text"] ?? ""),
                _ => [],
            }));

    /// <summary>The conversation turns whose user text contains <paramref name="text"/>.</summary>
    public static IReadOnlyList<RecordedRequest> TurnsMentioning(FakeAnthropicApi api, string text) =>
        api.ConversationTurns.Where(t => UserText(t).Contains(text, StringComparison.Ordinal)).ToList();

    /// <summary>The Claude Code session a turn belongs to (from its metadata), or "".</summary>
    public static string SessionOf(RecordedRequest request)
    {
        var user = (string?)request.Body?["metadata"]?["user_id"];
        if (user is null) return "";
        try
        {
            return (string?)JsonNode.Parse(user)?["session_id"] ?? "";
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }

    /// <summary>One line per conversation turn: session and the last user text, shortened.</summary>
    public static string Describe(FakeAnthropicApi api) => string.Join("\n", api.ConversationTurns.Select(t =>
    {
        var text = UserText(t).Replace('\n', ' ');
        return $"[{SessionOf(t)}] …{(text.Length > 160 ? text[^160..] : text)}";
    }));
}
