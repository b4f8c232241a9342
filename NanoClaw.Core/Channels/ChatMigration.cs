using LanguageExt;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Channels;

/// <summary>
/// A chat that now lives under another id on the same channel: a Telegram group upgraded to a supergroup gets a new
/// chat id (the old one stops working), announced by a service message in each chat or by a send's
/// <c>400 … migrate_to_chat_id</c>.
/// </summary>
/// <param name="From">The old chat id (jid).</param>
/// <param name="To">The new chat id (jid).</param>
public sealed record ChatMigrated(string From, string To);

/// <summary>A channel whose chats can move to another id (Telegram's supergroup upgrade).</summary>
public interface IChatMigrations
{
    /// <summary>Each move as the channel learns it (more than once for the same move is harmless).</summary>
    IObservable<ChatMigrated> Migrations { get; }
}

/// <summary>Whether a registered group follows its chat to the new id.</summary>
public static class ChatMigration
{
    /// <summary>
    /// The group registered for <see cref="ChatMigrated.From"/>, re-keyed to <see cref="ChatMigrated.To"/> (folder,
    /// trigger, memory and settings unchanged), or why nothing moves: the old chat is not registered (also a move
    /// already done), the new id is registered already (two groups never merge: the owner decides), or the two ids are
    /// the same or not both Telegram chats (the only channel whose chats move; a move must never carry a group, its
    /// folder and memory, to another channel's chat).
    /// </summary>
    /// <param name="groups">Every registered group by chat jid.</param>
    /// <param name="move">The move the channel reported.</param>
    public static Either<string, RegisteredGroup> Follow(Map<string, RegisteredGroup> groups, ChatMigrated move)
    {
        if (move.From == move.To) return Left<string, RegisteredGroup>($"{move.From} moved to itself");
        if (!Routing.ChannelRouting.IsTelegram(move.From) || !Routing.ChannelRouting.IsTelegram(move.To))
            return Left<string, RegisteredGroup>($"{move.From} -> {move.To}: only a Telegram chat moves, to a Telegram chat");
        if (groups.Find(move.To).Case is RegisteredGroup taken)
            return Left<string, RegisteredGroup>($"{move.To} is already registered (folder {taken.Folder}); {move.From} stays as it is");
        return groups.Find(move.From).Case is RegisteredGroup group
            ? Right<string, RegisteredGroup>(group with { Jid = move.To })
            : Left<string, RegisteredGroup>($"{move.From} is not a registered group");
    }
}
