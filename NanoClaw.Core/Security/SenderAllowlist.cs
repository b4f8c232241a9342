using LanguageExt;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Security;

/// <summary>What happens to messages from senders not on a chat's list.</summary>
public enum AllowlistMode
{
    /// <summary>Kept as context, but they cannot wake the agent.</summary>
    Trigger,
    /// <summary>Not stored at all.</summary>
    Drop,
}

/// <summary>One chat's rule: who may trigger, and what happens to everyone else.</summary>
/// <param name="AllowAll">True for <c>"allow": "*"</c>.</param>
/// <param name="Senders">Allowed sender ids when not <paramref name="AllowAll"/>.</param>
/// <param name="Mode">Treatment of other senders.</param>
public sealed record AllowlistEntry(bool AllowAll, Set<string> Senders, AllowlistMode Mode)
{
    /// <summary>Everyone may trigger.</summary>
    public static AllowlistEntry Everyone { get; } = new(true, Set<string>(), AllowlistMode.Trigger);

    /// <summary>True when <paramref name="sender"/> is on this entry's list (or the list is <c>*</c>).</summary>
    public bool Admits(string sender) => AllowAll || Senders.Contains(sender);
}

/// <summary>
/// The optional sender allowlist (SPEC §5, <c>~/.config/nanoclaw/sender-allowlist.json</c>): per chat, which senders
/// may trigger the agent, and whether others' messages are kept as context (<c>trigger</c>) or not stored (<c>drop</c>).
/// Messages from the linked account itself and the assistant's own messages are never refused.
/// </summary>
/// <param name="Default">Rule for chats without their own entry.</param>
/// <param name="Chats">Rules by chat id.</param>
/// <param name="LogDenied">Whether the shell should log refused triggers.</param>
public sealed record SenderAllowlist(AllowlistEntry Default, Map<string, AllowlistEntry> Chats, bool LogDenied)
{
    /// <summary>No file: everyone may trigger everywhere, nothing is dropped.</summary>
    public static SenderAllowlist AllowEveryone { get; } = new(AllowlistEntry.Everyone, Map<string, AllowlistEntry>(), true);

    /// <summary>The rule that applies in <paramref name="chatJid"/>.</summary>
    public AllowlistEntry EntryFor(string chatJid) => Chats.Find(chatJid).IfNone(Default);

    /// <summary>True when <paramref name="sender"/> is allowed in <paramref name="chatJid"/>.</summary>
    public bool IsAllowed(string chatJid, string sender) => EntryFor(chatJid).Admits(sender);

    /// <summary>Whether a message may count as a trigger: the user's own messages always may.</summary>
    public bool MayTrigger(ChatMessage message) => message.IsFromMe || IsAllowed(message.ChatJid, message.Sender);

    /// <summary>Whether to store an incoming message: only <c>drop</c> mode refuses, and never the user's or the bot's own.</summary>
    public bool ShouldStore(ChatMessage message) =>
        message.IsFromMe || message.IsBotMessage || EntryFor(message.ChatJid) is var entry && (entry.Mode != AllowlistMode.Drop || entry.Admits(message.Sender));
}
