using System.Text.Json;
using LanguageExt;
using NanoClaw.Core.Ipc;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Security;

/// <summary>
/// Reads <c>sender-allowlist.json</c>:
/// <c>{"default":{"allow":"*"|[ids],"mode":"trigger"|"drop"},"chats":{"&lt;jid&gt;":{…}},"logDenied":true}</c>.
/// Every key is optional (default: everyone, trigger mode, log denials). A bad file is a reason, not a half-read
/// policy: the shell logs it and decides what to fall back to.
/// </summary>
public static class SenderAllowlistJson
{
    /// <summary>Parses the file's text.</summary>
    public static Either<string, SenderAllowlist> Parse(string? json) =>
        JsonFields.ReadObject(json, IpcLimits.MaxFileChars, root =>
            from defaultEntry in JsonFields.Field(root, "default").Match(e => Entry(e, "default"), () => Right<string, AllowlistEntry>(AllowlistEntry.Everyone))
            from chats in Chats(root)
            from logDenied in JsonFields.OptionalBool(root, "logDenied", true)
            select new SenderAllowlist(defaultEntry, chats, logDenied));

    private static Either<string, Map<string, AllowlistEntry>> Chats(JsonElement root)
    {
        var field = JsonFields.Field(root, "chats");
        if (field.IsNone) return Map<string, AllowlistEntry>();
        var chats = field.IfNone(default(JsonElement));
        if (chats.ValueKind != JsonValueKind.Object) return "'chats' must be an object keyed by chat id";
        var result = Map<string, AllowlistEntry>();
        foreach (var chat in chats.EnumerateObject())
        {
            var entry = Entry(chat.Value, $"chats.{chat.Name}");
            if (entry.IsLeft) return entry.Map(_ => result);
            result = result.AddOrUpdate(chat.Name, entry.IfLeft(AllowlistEntry.Everyone));
        }
        return result;
    }

    private static Either<string, AllowlistEntry> Entry(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object) return $"'{where}' must be an object";
        var mode = JsonFields.OptionalString(e, "mode", 16).Bind(m => m.Match(
            text => text switch
            {
                "trigger" => Right<string, AllowlistMode>(AllowlistMode.Trigger),
                "drop" => Right<string, AllowlistMode>(AllowlistMode.Drop),
                _ => Left<string, AllowlistMode>($"'{where}.mode' must be 'trigger' or 'drop', not '{text}'"),
            },
            () => Right<string, AllowlistMode>(AllowlistMode.Trigger)));
        return mode.Bind(m => JsonFields.Field(e, "allow").Match(
            allow => allow.ValueKind switch
            {
                JsonValueKind.String when allow.GetString() == "*" => Right<string, AllowlistEntry>(new AllowlistEntry(true, Set<string>(), m)),
                JsonValueKind.Array when allow.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String) =>
                    Right<string, AllowlistEntry>(new AllowlistEntry(false, toSet(allow.EnumerateArray().Select(s => s.GetString() ?? "")), m)),
                _ => Left<string, AllowlistEntry>($"'{where}.allow' must be \"*\" or a list of sender ids"),
            },
            () => Right<string, AllowlistEntry>(new AllowlistEntry(true, Set<string>(), m))));
    }
}
