using LanguageExt;
using NanoClaw.Core.Channels;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Routing;

/// <summary>What kind of chat a JID names.</summary>
public enum JidKind
{
    /// <summary>A WhatsApp group (<c>…@g.us</c>).</summary>
    Group,
    /// <summary>A WhatsApp person (<c>…@s.whatsapp.net</c>, or a linked id <c>…@lid</c>).</summary>
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
    public static bool IsWhatsApp(string? jid) => KindOf(jid) is JidKind.Group or JidKind.Person;

    private static bool HasUser(string jid, string suffix) =>
        jid.Length > suffix.Length && jid.EndsWith(suffix, StringComparison.Ordinal);
}
