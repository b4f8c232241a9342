using LanguageExt;

namespace NanoClaw.Core.Domain;

/// <summary>A message in a chat, as stored in the <c>messages</c> table.</summary>
/// <param name="Id">The channel's message id (unique within a chat).</param>
/// <param name="ChatJid">The chat the message belongs to.</param>
/// <param name="Sender">Sender id (JID or channel-specific id).</param>
/// <param name="SenderName">Display name of the sender.</param>
/// <param name="Content">Text content; may be empty.</param>
/// <param name="Timestamp">ISO-8601 UTC timestamp with milliseconds and <c>Z</c>; compared as a string.</param>
/// <param name="IsFromMe">True when sent from the linked account.</param>
/// <param name="IsBotMessage">True when the assistant wrote it.</param>
/// <param name="ReplyTo">What this message replies to, if anything.</param>
public sealed record ChatMessage(
    string Id,
    string ChatJid,
    string Sender,
    string SenderName,
    string Content,
    string Timestamp,
    bool IsFromMe,
    bool IsBotMessage,
    Option<ReplyReference> ReplyTo)
{
    /// <summary>Files that came with the message (photos, documents, voice notes …), in the order they were sent.</summary>
    public Seq<Attachment> Attachments { get; init; } = Seq<Attachment>.Empty;

    /// <summary>
    /// True when the channel saw the message address the assistant by its own means, besides the trigger word: on
    /// Telegram a mention of the bot's <c>@username</c> or a reply to one of the bot's messages. It wakes a group
    /// that needs a trigger (<see cref="Routing.BatchRules"/>), and is stored so recovery after a restart judges the same.
    /// </summary>
    public bool AddressesAssistant { get; init; }

    /// <summary>True when the message has something for the agent: non-blank text or an attachment.</summary>
    public bool HasSubstance => !string.IsNullOrWhiteSpace(Content) || !Attachments.IsEmpty;
}

/// <summary>The message a reply quotes.</summary>
/// <param name="MessageId">Id of the quoted message.</param>
/// <param name="Content">Quoted text, when known.</param>
/// <param name="SenderName">Name of the quoted sender, when known.</param>
public sealed record ReplyReference(string MessageId, Option<string> Content, Option<string> SenderName);
