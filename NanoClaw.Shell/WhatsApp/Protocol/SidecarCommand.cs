using System.Text.Json;
using System.Text.Json.Serialization;

namespace NanoClaw.Shell.WhatsApp.Protocol;

/// <summary>Command lines for the sidecar (see <c>sidecar/PROTOCOL.md</c>).</summary>
public static class SidecarCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Connect(string authDir, bool link, string? phone = null) =>
        Line(new { type = "connect", authDir, link, phone });

    public static string Send(string id, string jid, string text) => Line(new { type = "send", id, jid, text });

    /// <summary>A file: the sidecar reads <paramref name="path"/> (a host-owned copy) and sends it as <paramref name="kind"/>.</summary>
    public static string SendFile(string id, string jid, string path, string mimetype, string kind, string fileName, string? caption) =>
        Line(new { type = "send_file", id, jid, path, mimetype, kind, fileName, caption });

    public static string Typing(string jid, bool on) => Line(new { type = "typing", jid, on });

    public static string SyncGroups() => Line(new { type = "sync_groups" });

    /// <summary>Where inbound media goes, its limits, and the registered chats (JID → group folder) that may download it.</summary>
    public static string Media(string dir, IReadOnlyDictionary<string, string> groups, long maxFileBytes, long maxBytesPerGroupPerDay) =>
        Line(new { type = "media", dir, groups, maxFileBytes, maxBytesPerGroupPerDay });

    public static string Logout() => Line(new { type = "logout" });

    public static string Shutdown() => Line(new { type = "shutdown" });

    private static string Line(object command) => JsonSerializer.Serialize(command, Json);
}
