using LanguageExt;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Routing;

/// <summary>Small builders for routing tests.</summary>
internal static class RoutingExamples
{
    public static TimeZoneInfo NewYork { get; } = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    public static ChatMessage Message(
        string id, string timestamp, string content,
        string senderName = "Alice", bool isBot = false, bool isFromMe = false,
        Option<ReplyReference> replyTo = default, string chat = "123@g.us", string sender = "1555@s.whatsapp.net") =>
        new(id, chat, sender, senderName, content, timestamp, isFromMe, isBot, replyTo);

    public static Seq<ChatMessage> Batch(params ChatMessage[] messages) => toSeq(messages);

    public static RegisteredGroup Group(string jid = "123@g.us", string folder = "family", bool requiresTrigger = true, bool isMain = false) =>
        new(jid, folder, folder, "@Andy", "2026-01-01T00:00:00.000Z", None, requiresTrigger, isMain);
}
