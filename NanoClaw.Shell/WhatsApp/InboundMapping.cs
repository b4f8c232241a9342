using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using NanoClaw.Shell.WhatsApp.Protocol;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.WhatsApp;

/// <summary>Pure mapping of the sidecar's wire records to the core's domain records.</summary>
public static partial class InboundMapping
{
    public const string ChannelName = "whatsapp";

    public static ChatMessage ToChatMessage(WireMessage wire, AssistantOptions assistant)
    {
        var sender = wire.Sender ?? wire.ChatJid;
        var senderName = string.IsNullOrEmpty(wire.SenderName) ? sender.Split('@')[0] : wire.SenderName;
        var reply = wire.ReplyTo is { Id.Length: > 0 } r
            ? Some(new ReplyReference(r.Id, Optional(r.Content), Optional(r.SenderName)))
            : None;
        return new ChatMessage(
            wire.Id,
            wire.ChatJid,
            sender,
            senderName,
            wire.Content,
            NormaliseTimestamp(wire.Timestamp),
            wire.IsFromMe,
            // The sidecar marks the echo of a file it sent for send_file (a caption-less one has no prefix to go by);
            // only an own message can carry the mark.
            (wire.SentByAssistant && wire.IsFromMe) || BotMessageRules.IsBotMessage(wire.Content, wire.IsFromMe, assistant),
            reply)
        {
            Attachments = (wire.Attachments ?? []).Where(a => a is not null).Select(ToAttachment).ToSeq().Strict(),
        };
    }

    /// <summary>
    /// A wire attachment as the store records it. The file name is checked again here: only a plain name
    /// (<see cref="IsPlainFileName"/>) may point into the media folder; anything else counts as not downloaded.
    /// </summary>
    public static Attachment ToAttachment(WireAttachment wire)
    {
        var file = Optional(wire.File).Filter(IsPlainFileName);
        var reason = file.IsSome ? None
            : Some(wire.File is { Length: > 0 } ? "invalid file name" : string.IsNullOrWhiteSpace(wire.Reason) ? "not downloaded" : wire.Reason!);
        return new Attachment(
            AttachmentKinds.Normalise(wire.Kind),
            string.IsNullOrWhiteSpace(wire.Mime) ? "application/octet-stream" : wire.Mime!,
            wire.Size is >= 0 ? wire.Size.Value : -1,
            file,
            reason,
            Optional(wire.Caption).Filter(c => c.Length > 0),
            Optional(wire.FileName).Filter(n => n.Length > 0),
            None);
    }

    /// <summary>True for the names the sidecar gives media files: letters, digits, <c>_</c> and <c>-</c>, one short extension.</summary>
    public static bool IsPlainFileName(string name) => PlainFileName().IsMatch(name);

    [System.Text.RegularExpressions.GeneratedRegex(@"\A[A-Za-z0-9_-]{1,80}\.[a-z0-9]{1,8}\z")]
    private static partial System.Text.RegularExpressions.Regex PlainFileName();

    /// <summary>Chat metadata; an empty name or time means "unknown, keep what the store has".</summary>
    public static Chat ToChat(ChatEvent chat) =>
        new(chat.Jid, chat.Name ?? "", chat.Timestamp is { } t ? NormaliseTimestamp(t) : "", Some(ChannelName), chat.IsGroup);

    /// <summary>A group name learned from a sync, without a message time.</summary>
    public static Chat ToChat(WireGroup group) => new(group.Jid, group.Name, "", Some(ChannelName), true);

    // The store compares timestamps as strings, so anything not in the one format is rewritten into it.
    private static string NormaliseTimestamp(string text) =>
        IsoTimestamp.Parse(text).Map(IsoTimestamp.From).IfNone(text);
}
