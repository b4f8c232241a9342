using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Security;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Security;

public class SenderAllowlistTests
{
    private const string Family = "111@g.us";
    private const string Work = "222@g.us";
    private const string Mum = "1555@s.whatsapp.net";
    private const string Boss = "1777@s.whatsapp.net";
    private const string Spammer = "1999@s.whatsapp.net";

    private static ChatMessage Msg(string chat, string sender, bool fromMe = false, bool bot = false) =>
        new("id", chat, sender, "name", "@Andy hi", "2026-01-31T14:32:00.000Z", fromMe, bot, None);

    private static SenderAllowlist Parse(string json) =>
        SenderAllowlistJson.Parse(json).IfLeft(r => throw new Xunit.Sdk.XunitException(r));

    private const string Sample = """
        {
          "default": { "allow": "*", "mode": "trigger" },
          "chats": {
            "111@g.us": { "allow": ["1555@s.whatsapp.net"], "mode": "trigger" },
            "222@g.us": { "allow": ["1777@s.whatsapp.net"], "mode": "drop" }
          },
          "logDenied": false
        }
        """;

    [Fact]
    public void Trigger_mode_keeps_others_as_context_but_only_listed_senders_trigger()
    {
        var list = Parse(Sample);
        Assert.True(list.MayTrigger(Msg(Family, Mum)));
        Assert.False(list.MayTrigger(Msg(Family, Spammer)));
        Assert.True(list.ShouldStore(Msg(Family, Spammer)));
    }

    [Fact]
    public void Drop_mode_does_not_store_unlisted_senders()
    {
        var list = Parse(Sample);
        Assert.True(list.ShouldStore(Msg(Work, Boss)));
        Assert.False(list.ShouldStore(Msg(Work, Spammer)));
    }

    [Fact]
    public void The_user_and_the_bot_are_never_refused()
    {
        var list = Parse(Sample);
        Assert.True(list.MayTrigger(Msg(Work, Spammer, fromMe: true)));
        Assert.True(list.ShouldStore(Msg(Work, Spammer, fromMe: true)));
        Assert.True(list.ShouldStore(Msg(Work, Spammer, bot: true)));
    }

    [Fact]
    public void Other_chats_use_the_default_and_log_flag_is_read()
    {
        var list = Parse(Sample);
        Assert.True(list.MayTrigger(Msg("333@g.us", Spammer)));
        Assert.False(list.LogDenied);
    }

    [Fact]
    public void An_empty_file_object_allows_everyone() =>
        Assert.Equal(SenderAllowlist.AllowEveryone.Default, Parse("{}").Default);

    [Theory]
    [InlineData("nope", "invalid JSON: ")]
    [InlineData("{\"default\":{\"allow\":\"everyone\"}}", "'default.allow' must be \"*\" or a list of sender ids")]
    [InlineData("{\"default\":{\"allow\":[1]}}", "'default.allow' must be \"*\" or a list of sender ids")]
    [InlineData("{\"chats\":{\"1@g.us\":{\"allow\":\"*\",\"mode\":\"block\"}}}", "'chats.1@g.us.mode' must be 'trigger' or 'drop', not 'block'")]
    [InlineData("{\"chats\":[]}", "'chats' must be an object keyed by chat id")]
    [InlineData("{\"logDenied\":\"yes\"}", "'logDenied' must be true or false")]
    public void A_bad_file_gives_a_reason(string json, string reason) =>
        Assert.StartsWith(reason, SenderAllowlistJson.Parse(json).Match(l => $"parsed {l}", r => r));
}

[Trait("Category", "Property")]
public class SenderAllowlistProperties
{
    private static readonly string[] Senders = ["a", "b", "c", "d"];

    private static readonly Gen<AllowlistEntry> Entries =
        from all in Gen.Elements(false, false, true)
        from listed in Gen.SubListOf(Senders)
        from mode in Gen.Elements(AllowlistMode.Trigger, AllowlistMode.Drop)
        select new AllowlistEntry(all, toSet(listed), mode);

    private static readonly Gen<ChatMessage> Messages =
        from chat in Gen.Elements("x@g.us", "y@g.us", "z@g.us")
        from sender in Gen.Elements(Senders)
        from fromMe in Gen.Elements(false, false, true)
        from bot in Gen.Elements(false, false, true)
        select new ChatMessage("id", chat, sender, "n", "@Andy", "t", fromMe, bot, None);

    [Property(MaxTest = 500)]
    public Property Triggering_and_storing_follow_the_chats_entry_exactly() =>
        Prop.ForAll((
            from def in Entries
            from x in Entries
            from y in Entries
            from m in Messages
            select (list: new SenderAllowlist(def, toMap(new[] { ("x@g.us", x), ("y@g.us", y) }), true), m)).ToArbitrary(),
            t =>
            {
                var entry = t.m.ChatJid switch { "x@g.us" => t.list.Chats["x@g.us"], "y@g.us" => t.list.Chats["y@g.us"], _ => t.list.Default };
                var listed = entry.AllowAll || entry.Senders.Contains(t.m.Sender);
                return t.list.MayTrigger(t.m) == (t.m.IsFromMe || listed)
                    && t.list.ShouldStore(t.m) == (t.m.IsFromMe || t.m.IsBotMessage || entry.Mode == AllowlistMode.Trigger || listed);
            });

    [Property(MaxTest = 300)]
    public Property Allowlist_parsing_never_throws() =>
        Prop.ForAll(Gen.OneOf(ArbMap.Default.GeneratorFor<string>(),
                Gen.ListOf(Gen.Elements("{", "}", "[", "]", ",", ":", "\"default\"", "\"chats\"", "\"allow\"", "\"mode\"", "\"*\"", "\"drop\"", "\"x@g.us\"", "1", "null", "true"))
                    .Select(p => string.Concat(p))).ToArbitrary(),
            text => SenderAllowlistJson.Parse(text).Match(_ => true, r => r.Length > 0));
}
