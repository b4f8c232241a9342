using LanguageExt;
using NanoClaw.Core.Channels;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Routing;

/// <summary>What kind of chat a JID names.</summary>
public enum JidKind
{
    /// <summary>A group: WhatsApp (<c>…@g.us</c>) or Telegram (<c>tg:</c> and a negative chat id).</summary>
    Group,
    /// <summary>A person: WhatsApp (<c>…@s.whatsapp.net</c>, or a linked id <c>…@lid</c>) or a Telegram private chat (<c>tg:</c> and a positive id).</summary>
    Person,
    /// <summary>A chat of the local socket channel (<c>local:…</c>).</summary>
    Local,
    /// <summary>Anything else.</summary>
    Unknown,
}

/// <summary>Picks the channel that carries a chat, and classifies chat ids.</summary>
public static class ChannelRouting
{
    /// <summary>Suffix of WhatsApp group JIDs.</summary>
    public const string GroupSuffix = "@g.us";

    /// <summary>Suffix of WhatsApp personal JIDs.</summary>
    public const string PersonSuffix = "@s.whatsapp.net";

    /// <summary>Suffix of WhatsApp linked-identity JIDs (private ids that also name a person).</summary>
    public const string LinkedIdSuffix = "@lid";

    /// <summary>Prefix of Telegram chat ids (<c>tg:&lt;chat id&gt;</c>, as NanoClaw's Telegram channel wrote them).</summary>
    public const string TelegramPrefix = "tg:";

    /// <summary>Prefix of local-channel chat ids.</summary>
    public const string LocalPrefix = "local:";

    /// <summary>The first channel that owns <paramref name="jid"/>, in the order given; none when no channel does.</summary>
    public static Option<T> Select<T>(IEnumerable<T> channels, string jid) where T : IChannel
    {
        foreach (var channel in channels)
            if (channel.OwnsJid(jid)) return Some(channel);
        return None;
    }

    /// <summary>Classifies a chat id by its WhatsApp suffix or local prefix.</summary>
    public static JidKind KindOf(string? jid) =>
        jid is null || jid.Length == 0 ? JidKind.Unknown
        : jid.StartsWith(LocalPrefix, StringComparison.Ordinal) && jid.Length > LocalPrefix.Length ? JidKind.Local
        : TelegramChatId(jid) is { } tg ? (tg < 0 ? JidKind.Group : JidKind.Person)
        : HasUser(jid, GroupSuffix) ? JidKind.Group
        : HasUser(jid, PersonSuffix) || HasUser(jid, LinkedIdSuffix) ? JidKind.Person
        : JidKind.Unknown;

    /// <summary>True for WhatsApp group chats.</summary>
    public static bool IsGroup(string? jid) => KindOf(jid) == JidKind.Group;

    /// <summary>True for WhatsApp one-to-one chats.</summary>
    public static bool IsPerson(string? jid) => KindOf(jid) == JidKind.Person;

    /// <summary>True for local-channel chats.</summary>
    public static bool IsLocal(string? jid) => KindOf(jid) == JidKind.Local;

    /// <summary>True for any WhatsApp JID (group or person).</summary>
    public static bool IsWhatsApp(string? jid) => KindOf(jid) is JidKind.Group or JidKind.Person && !IsTelegram(jid);

    /// <summary>True for Telegram chat ids: <c>tg:</c> and a whole number (negative for groups and supergroups).</summary>
    public static bool IsTelegram(string? jid) => jid is not null && TelegramChatId(jid) is not null;

    /// <summary>The numeric Telegram chat id of a <c>tg:</c> chat id, if it is one.</summary>
    public static long? TelegramChatId(string jid) =>
        jid.StartsWith(TelegramPrefix, StringComparison.Ordinal)
        && long.TryParse(jid.AsSpan(TelegramPrefix.Length), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var id)
        && id != 0
            ? id
            : null;

    private static bool HasUser(string jid, string suffix) =>
        jid.Length > suffix.Length && jid.EndsWith(suffix, StringComparison.Ordinal);
}
