using NanoClaw.Core.Domain;
using NanoClaw.Core.Security;

namespace NanoClaw.Shell.Ingest;

/// <summary>Which inbound messages are kept in full.</summary>
public static class IngestRules
{
    /// <summary>
    /// Only registered groups keep message content (other chats leave just metadata), and a chat's
    /// sender allowlist in <c>drop</c> mode refuses messages from senders not on it.
    /// </summary>
    public static bool ShouldStore(ChatMessage message, Func<string, bool> isRegistered, SenderAllowlist allowlist) =>
        !string.IsNullOrEmpty(message.Id) && isRegistered(message.ChatJid) && allowlist.ShouldStore(message);
}
