using NanoClaw.Core.Domain;

namespace NanoClaw.Shell.Ingest;

/// <summary>Which inbound messages are kept in full.</summary>
public static class IngestRules
{
    /// <summary>Only registered groups keep message content (privacy: other chats leave just metadata).</summary>
    public static bool ShouldStore(ChatMessage message, Func<string, bool> isRegistered) =>
        !string.IsNullOrEmpty(message.Id) && isRegistered(message.ChatJid);
}
