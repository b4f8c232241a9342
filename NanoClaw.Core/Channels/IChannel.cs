using NanoClaw.Core.Domain;

namespace NanoClaw.Core.Channels;

/// <summary>
/// A messaging channel (WhatsApp, the local chat socket, …). The interface lives in the core so other
/// channels can be added by embedders; implementations live in the shell because they perform I/O.
/// </summary>
public interface IChannel
{
    /// <summary>Short channel name, e.g. <c>whatsapp</c> or <c>local</c>.</summary>
    string Name { get; }

    /// <summary>True when this channel owns the chat id.</summary>
    bool OwnsJid(string jid);

    /// <summary>True while connected.</summary>
    bool IsConnected { get; }

    /// <summary>Connects (or starts connecting); completes when the channel is ready to send or has queued work durably.</summary>
    Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Disconnects.</summary>
    Task DisconnectAsync(CancellationToken cancellationToken);

    /// <summary>Sends text to a chat. The text is final: prefixing is done by the caller's outbound rules.</summary>
    Task SendAsync(string jid, string text, CancellationToken cancellationToken);

    /// <summary>Shows or hides the typing indicator, where the channel has one.</summary>
    Task SetTypingAsync(string jid, bool typing, CancellationToken cancellationToken);

    /// <summary>Messages as they arrive.</summary>
    IObservable<ChatMessage> Messages { get; }

    /// <summary>Chat metadata as it is learned.</summary>
    IObservable<Chat> ChatMetadata { get; }
}
