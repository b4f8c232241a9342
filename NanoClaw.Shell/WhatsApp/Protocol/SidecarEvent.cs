using System.Text.Json;
using System.Text.Json.Serialization;

namespace NanoClaw.Shell.WhatsApp.Protocol;

/// <summary>One event line from the sidecar (see <c>sidecar/PROTOCOL.md</c>).</summary>
public abstract record SidecarEvent
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>Reads one line; a line that is not a well-formed event gives the reason instead.</summary>
    public static SidecarEventParse Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement)
                || typeElement.ValueKind != JsonValueKind.String)
                return SidecarEventParse.Bad("an event must be a JSON object with a string \"type\"");
            var type = typeElement.GetString()!;
            SidecarEvent? parsed = type switch
            {
                "ready" => root.Deserialize<ReadyEvent>(Json),
                "auth_state" => root.Deserialize<AuthStateEvent>(Json),
                "qr" => root.Deserialize<QrEvent>(Json),
                "pairing_code" => root.Deserialize<PairingCodeEvent>(Json),
                "connection" => root.Deserialize<ConnectionEvent>(Json),
                "own_ids" => root.Deserialize<OwnIdsEvent>(Json),
                "message" => root.Deserialize<MessageEvent>(Json),
                "chat" => root.Deserialize<ChatEvent>(Json),
                "groups" => root.Deserialize<GroupsEvent>(Json),
                "send_result" => root.Deserialize<SendResultEvent>(Json),
                "log" => root.Deserialize<LogEvent>(Json),
                "error" => root.Deserialize<ErrorEvent>(Json),
                _ => new UnknownEvent(type),
            };
            return parsed is null || !parsed.IsComplete
                ? SidecarEventParse.Bad($"\"{type}\" event is missing required fields")
                : SidecarEventParse.Good(parsed);
        }
        catch (JsonException e)
        {
            return SidecarEventParse.Bad("not a JSON event: " + e.Message);
        }
    }

    /// <summary>True when the required fields are present.</summary>
    [JsonIgnore]
    public virtual bool IsComplete => true;
}

/// <summary>The result of reading one event line: either the event or why it was rejected.</summary>
public readonly record struct SidecarEventParse(SidecarEvent? Event, string? Error)
{
    public static SidecarEventParse Good(SidecarEvent e) => new(e, null);
    public static SidecarEventParse Bad(string reason) => new(null, reason);
}

public sealed record ReadyEvent(int Protocol, int? Pid) : SidecarEvent;

public sealed record AuthStateEvent(bool Linked, string? Me) : SidecarEvent;

public sealed record QrEvent(string Code) : SidecarEvent
{
    public override bool IsComplete => !string.IsNullOrEmpty(Code);
}

public sealed record PairingCodeEvent(string Code) : SidecarEvent
{
    public override bool IsComplete => !string.IsNullOrEmpty(Code);
}

/// <summary>Socket state: <c>connecting</c>, <c>open</c> or <c>close</c>.</summary>
public sealed record ConnectionEvent(string State, string? Reason, int? StatusCode, bool LoggedOut) : SidecarEvent
{
    public const string Connecting = "connecting";
    public const string Open = "open";
    public const string Close = "close";
    public const string NotLinkedReason = "not_linked";

    public override bool IsComplete => State is Connecting or Open or Close;
}

public sealed record OwnIdsEvent(string? PhoneJid, string? Lid) : SidecarEvent;

/// <summary>A normalised inbound message.</summary>
public sealed record MessageEvent(WireMessage Message) : SidecarEvent
{
    public override bool IsComplete =>
        Message is not null && !string.IsNullOrEmpty(Message.Id) && !string.IsNullOrEmpty(Message.ChatJid)
        && Message.Content is not null && !string.IsNullOrEmpty(Message.Timestamp);
}

public sealed record WireMessage(
    string Id,
    string ChatJid,
    string? Sender,
    string? SenderName,
    string Content,
    string Timestamp,
    bool IsFromMe,
    WireReply? ReplyTo,
    IReadOnlyList<WireAttachment>? Attachments = null,
    bool SentByAssistant = false);

/// <summary>A file that came with a message (see PROTOCOL.md, Attachments); <c>File</c> is null when it was not downloaded.</summary>
public sealed record WireAttachment(string? Kind, string? Mime, long? Size, string? File, string? Reason, string? Caption, string? FileName);

public sealed record WireReply(string Id, string? Content, string? SenderName);

public sealed record ChatEvent(string Jid, string? Name, bool IsGroup, string? Timestamp) : SidecarEvent
{
    public override bool IsComplete => !string.IsNullOrEmpty(Jid);
}

public sealed record GroupsEvent(IReadOnlyList<WireGroup> List) : SidecarEvent
{
    public override bool IsComplete => List is not null;
}

public sealed record WireGroup(string Jid, string Name);

public sealed record SendResultEvent(string Id, bool Ok, string? Error, string? MessageId) : SidecarEvent
{
    public override bool IsComplete => !string.IsNullOrEmpty(Id);
}

public sealed record LogEvent(string Level, string Msg) : SidecarEvent;

public sealed record ErrorEvent(string Msg, string? Id) : SidecarEvent;

/// <summary>A type this host does not know (a newer sidecar); logged and ignored.</summary>
public sealed record UnknownEvent(string Type) : SidecarEvent;
