using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using NanoClaw.Shell.WhatsApp.Protocol;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.WhatsApp;

/// <summary>Pure mapping of the sidecar's wire records to the core's domain records.</summary>
public static class InboundMapping
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
            BotMessageRules.IsBotMessage(wire.Content, wire.IsFromMe, assistant),
            reply);
    }

    /// <summary>Chat metadata; an empty name or time means "unknown, keep what the store has".</summary>
    public static Chat ToChat(ChatEvent chat) =>
        new(chat.Jid, chat.Name ?? "", chat.Timestamp is { } t ? NormaliseTimestamp(t) : "", Some(ChannelName), chat.IsGroup);

    /// <summary>A group name learned from a sync, without a message time.</summary>
    public static Chat ToChat(WireGroup group) => new(group.Jid, group.Name, "", Some(ChannelName), true);

    // The store compares timestamps as strings, so anything not in the one format is rewritten into it.
    private static string NormaliseTimestamp(string text) =>
        IsoTimestamp.Parse(text).Map(IsoTimestamp.From).IfNone(text);
}
