using LanguageExt;
using NanoClaw.Core.Routing;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Ipc;

/// <summary>
/// A chat may only be registered when some channel can carry it (<see cref="ChannelRouting.KindOf"/> is not
/// <see cref="JidKind.Unknown"/>): a group registered under "banana" or "tg:abc" would never receive a message nor
/// deliver a reply, and its outbox rows would wait forever. Shared by <c>register_group</c> and
/// <c>nanoclaw groups register</c>.
/// </summary>
public static class CarriableChat
{
    /// <summary>Longest part of a refused id repeated in the reason (the id comes from an agent or a chat).</summary>
    public const int MaxEchoedLength = 80;

    /// <summary>Unit when a channel can carry <paramref name="jid"/>; otherwise the reason, naming the forms that can.</summary>
    public static Either<string, Unit> Check(string? jid) =>
        ChannelRouting.KindOf(jid) != JidKind.Unknown
            ? Right<string, Unit>(unit)
            : Left<string, Unit>($"refused: chat id '{Echo(jid)}' is not one any channel can carry; expected a WhatsApp " +
                                 $"JID (…{ChannelRouting.GroupSuffix}, …{ChannelRouting.PersonSuffix}, …{ChannelRouting.LinkedIdSuffix}), " +
                                 $"a Telegram chat ({ChannelRouting.TelegramPrefix}<number>) or a local chat ({ChannelRouting.LocalPrefix}<name>)");

    // Control characters would forge log lines; a long id is cut.
    private static string Echo(string? jid)
    {
        var text = new string((jid ?? "").Where(c => !char.IsControl(c)).ToArray());
        return text.Length <= MaxEchoedLength ? text : text[..MaxEchoedLength] + "…";
    }
}
