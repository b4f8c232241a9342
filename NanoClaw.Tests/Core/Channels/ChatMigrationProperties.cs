using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Channels;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Channels;

/// <summary>
/// Following a chat to its new id (a Telegram supergroup upgrade): the registered group moves whole and alone, never
/// onto a registered chat, never across channels.
/// </summary>
[Trait("Category", "Property")]
[Trait("Category", "Telegram")]
public sealed class ChatMigrationProperties
{
    private static readonly Gen<string> Jid = Gen.Elements(
        "tg:-555", "tg:-100555", "tg:-100777", "tg:42", "120363@g.us", "15551234567@s.whatsapp.net", "local:main", "tg:x", "tg:");

    private static RegisteredGroup Group(string jid, int i) =>
        new(jid, "Group " + i, "folder" + i, "@Andy", "2026-01-01T00:00:00.000Z", None, i % 2 == 0, i == 0);

    private static readonly Gen<Map<string, RegisteredGroup>> Groups =
        Gen.SubListOf(["tg:-555", "tg:-100555", "tg:-100777", "tg:42", "120363@g.us", "local:main"])
            .Select(jids => toMap(jids.Select((j, i) => (j, Group(j, i)))));

    [Property]
    public Property A_move_re_keys_exactly_the_old_chats_group_when_allowed_and_changes_nothing_otherwise() =>
        Prop.ForAll((from groups in Groups from from_ in Jid from to in Jid select (groups, move: new ChatMigrated(from_, to))).ToArbitrary(),
            x =>
            {
                // Allowed exactly for a registered Telegram chat moving to another, unregistered Telegram chat.
                var allowed = x.groups.ContainsKey(x.move.From) && !x.groups.ContainsKey(x.move.To) && x.move.From != x.move.To
                              && ChannelRouting.IsTelegram(x.move.From) && ChannelRouting.IsTelegram(x.move.To);
                return ChatMigration.Follow(x.groups, x.move).Match(
                    // The same group (folder, trigger, settings) under the new id.
                    Right: moved => allowed && moved == x.groups[x.move.From] with { Jid = x.move.To },
                    Left: reason => !allowed && reason.Length > 0);
            });

    [Property]
    public Property A_move_onto_a_registered_chat_never_merges_two_groups() =>
        Prop.ForAll((from groups in Groups where groups.Count >= 2 from pick in Gen.Choose(0, 100)
                     let keys = groups.Keys.ToArray()
                     select (groups, from_: keys[pick % keys.Length], to: keys[(pick + 1) % keys.Length])).ToArbitrary(),
            x => ChatMigration.Follow(x.groups, new ChatMigrated(x.from_, x.to)).IsLeft);

    [Fact]
    public void A_registered_telegram_group_follows_its_supergroup()
    {
        var family = Group("tg:-555", 1);
        var moved = ChatMigration.Follow(Map(("tg:-555", family)), new ChatMigrated("tg:-555", "tg:-100555"));
        Assert.Equal(Right<string, RegisteredGroup>(family with { Jid = "tg:-100555" }), moved);
    }

    [Theory]
    [InlineData("tg:-555", "120363@g.us")]
    [InlineData("tg:-555", "local:main")]
    [InlineData("tg:-555", "tg:-555")]
    [InlineData("tg:-1", "tg:-100555")]
    public void No_move_across_channels_onto_itself_or_of_an_unregistered_chat(string from, string to)
    {
        var groups = Map(("tg:-555", Group("tg:-555", 1)));
        Assert.True(ChatMigration.Follow(groups, new ChatMigrated(from, to)).IsLeft);
    }
}
