using System.Globalization;
using LanguageExt;
using NanoClaw.Core.Domain;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using static LanguageExt.Prelude;
using Chat = NanoClaw.Core.Domain.Chat;

namespace NanoClaw.Shell.Telegram;

/// <summary>Pure mapping of Telegram updates to the core's records. Chat ids are <c>tg:&lt;chat id&gt;</c> (negative: groups).</summary>
public static class TelegramMapping
{
    public const string ChannelName = "telegram";
    public const string Prefix = "tg:";

    public static string Jid(long chatId) => Prefix + chatId.ToString(CultureInfo.InvariantCulture);

    public static bool IsGroupChat(ChatType type) => type is ChatType.Group or ChatType.Supergroup;

    /// <summary>
    /// The move a service message announces: in the old group <c>migrate_to_chat_id</c>, in the new supergroup
    /// <c>migrate_from_chat_id</c> (Telegram sends both); none for any other message.
    /// </summary>
    public static Option<Core.Channels.ChatMigrated> MigrationOf(Message m) =>
        m.Chat is null ? None
        : m.MigrateToChatId is { } to ? Some(new Core.Channels.ChatMigrated(Jid(m.Chat.Id), Jid(to)))
        : m.MigrateFromChatId is { } from ? Some(new Core.Channels.ChatMigrated(Jid(from), Jid(m.Chat.Id)))
        : None;

    /// <summary>The message as the store keeps it; none for updates that carry no message from a chat.</summary>
    /// <param name="botId">The bot's user id (getMe).</param>
    /// <param name="botUsername">The bot's username without <c>@</c> (getMe).</param>
    public static Option<ChatMessage> ToChatMessage(Message m, long botId, string botUsername)
    {
        if (m.Chat is null) return None;
        var from = m.From;
        var sender = from is null ? Jid(m.Chat.Id) : Prefix + from.Id.ToString(CultureInfo.InvariantCulture);
        var senderName = from is null ? m.Chat.Title ?? "" : string.Join(" ", new[] { from.FirstName, from.LastName }.Where(s => !string.IsNullOrEmpty(s)));
        if (senderName.Length == 0) senderName = from?.Username ?? sender;
        var text = m.Text ?? m.Caption ?? "";
        var reply = m.ReplyToMessage is { } r
            ? Some(new ReplyReference(r.MessageId.ToString(CultureInfo.InvariantCulture), Optional(r.Text ?? r.Caption),
                Optional(r.From?.FirstName)))
            : None;
        var isBot = from is not null && from.Id == botId;
        return new ChatMessage(
            m.MessageId.ToString(CultureInfo.InvariantCulture),
            Jid(m.Chat.Id),
            sender,
            senderName,
            text,
            IsoTimestamp.From(new DateTimeOffset(DateTime.SpecifyKind(m.Date, DateTimeKind.Utc))),
            isBot,
            isBot,
            reply)
        {
            AddressesAssistant = !isBot && (MentionsBot(m, botUsername) || (m.ReplyToMessage?.From?.Id == botId)),
        };
    }

    /// <summary>True when a <c>mention</c> entity of the text or caption names the bot, case-insensitively.</summary>
    public static bool MentionsBot(Message m, string botUsername)
    {
        var handle = "@" + botUsername;
        return Mentions(m.Text, m.Entities, handle) || Mentions(m.Caption, m.CaptionEntities, handle);
    }

    private static bool Mentions(string? text, MessageEntity[]? entities, string handle)
    {
        if (text is null || entities is null) return false;
        foreach (var e in entities)
        {
            if (e.Type != MessageEntityType.Mention || e.Offset < 0 || e.Length <= 0 || e.Offset + e.Length > text.Length) continue;
            if (string.Equals(text.Substring(e.Offset, e.Length), handle, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>Chat metadata: a group's title, a private chat's person.</summary>
    public static Chat ToChat(Message m)
    {
        var c = m.Chat;
        var name = c.Title ?? string.Join(" ", new[] { c.FirstName, c.LastName }.Where(s => !string.IsNullOrEmpty(s)));
        if (name.Length == 0) name = c.Username ?? "";
        return new Chat(Jid(c.Id), name, IsoTimestamp.From(new DateTimeOffset(DateTime.SpecifyKind(m.Date, DateTimeKind.Utc))),
            Some(ChannelName), IsGroupChat(c.Type));
    }
}
