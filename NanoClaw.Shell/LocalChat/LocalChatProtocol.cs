using System.Text.Json;
using System.Text.Json.Serialization;

namespace NanoClaw.Shell.LocalChat;

/// <summary>
/// Newline-delimited JSON spoken over <c>data/chat.sock</c> between <c>nanoclaw chat</c> and the daemon.
/// Client → daemon: <c>{"type":"message","group":"main","text":"…","sender":"…"}</c> (group is a folder name).
/// Daemon → client: <c>{"type":"accepted","jid":"local:main"}</c>, <c>{"type":"reply","jid":…,"text":…}</c>,
/// <c>{"type":"typing","jid":…,"on":true|false}</c>, <c>{"type":"error","text":…}</c>.
/// </summary>
public sealed record LocalChatFrame(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("group")] string? Group = null,
    [property: JsonPropertyName("jid")] string? Jid = null,
    [property: JsonPropertyName("text")] string? Text = null,
    [property: JsonPropertyName("sender")] string? Sender = null,
    [property: JsonPropertyName("on")] bool? On = null)
{
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToLine() => JsonSerializer.Serialize(this, Options);

    public static LocalChatFrame? TryParse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<LocalChatFrame>(line, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Local chats are ordinary groups whose JID is <c>local:&lt;folder&gt;</c>.</summary>
    public static string JidFor(string folder) => "local:" + folder;

    public const string JidPrefix = "local:";
}
