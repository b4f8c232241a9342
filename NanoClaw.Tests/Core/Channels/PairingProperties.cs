using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Core.Channels;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Channels;

/// <summary>The pairing rule: the issued code pairs exactly one unregistered private chat, once, before it expires.</summary>
[Trait("Category", "Property")]
[Trait("Category", "Telegram")]
public sealed class PairingProperties
{
    private static readonly DateTimeOffset Issued = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static readonly Gen<string> Code = Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), Pairing.CodeLength)
        .Select(bytes => Pairing.NewCode(bytes));

    /// <summary>Ways a person may type the code: any case, spaces, with or without the dash, after Telegram's /start.</summary>
    private static readonly Gen<Func<string, string>> Typing = Gen.Elements<Func<string, string>>(
        c => c, c => c.ToLowerInvariant(), c => c.Replace("-", ""), c => "  " + c + "\n", c => "/start " + c,
        c => string.Join(" ", c.ToCharArray()), c => c[..4].ToLowerInvariant() + c[4..]);

    /// <summary>Within the code's lifetime: 0 to just under an hour after issue.</summary>
    private static readonly Gen<DateTimeOffset> Before = Gen.Choose(0, (int)Pairing.Lifetime.TotalSeconds - 1).Select(s => Issued.AddSeconds(s));

    private static readonly Gen<string> Jid = Gen.Elements("tg:123456789", "15551234567@s.whatsapp.net", "local:phone", "tg:42");

    private static PairingAttempt Private(string jid, string text) => new(jid, text, IsPrivateChat: true, IsRegistered: false, FromAssistant: false);

    [Property]
    public Property The_code_as_typed_from_an_unregistered_private_chat_pairs_it_as_main_or_consumes_it_when_main_exists() =>
        Prop.ForAll((from code in Code from typing in Typing from now in Before from jid in Jid from main in Gen.Elements(true, false)
                     select (code, text: typing(code), now, jid, main)).ToArbitrary(),
            x => Pairing.Decide(Some(Pairing.Issue(x.code, Issued)), x.main, Private(x.jid, x.text), x.now)
                 == (x.main ? PairingOutcome.ConsumeOnly : PairingOutcome.RegisterAsMain));

    [Property]
    public Property Another_code_never_pairs() =>
        Prop.ForAll((from code in Code from other in Code from now in Before from main in Gen.Elements(true, false)
                     where Pairing.Normalize(code) != Pairing.Normalize(other)
                     select (code, other, now, main)).ToArbitrary(),
            x => Pairing.Decide(Some(Pairing.Issue(x.code, Issued)), x.main, Private("tg:1", x.other), x.now) == PairingOutcome.Ignore);

    [Property]
    public Property Any_text_that_is_not_the_code_never_pairs() =>
        Prop.ForAll((from code in Code from text in ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")
                     where Pairing.Normalize(text) != Pairing.Normalize(code)
                     select (code, text)).ToArbitrary(),
            x => Pairing.Decide(Some(Pairing.Issue(x.code, Issued)), false, Private("tg:1", x.text), Issued) == PairingOutcome.Ignore);

    [Property]
    public Property The_right_code_from_a_group_a_registered_chat_or_the_assistant_itself_never_pairs() =>
        Prop.ForAll((from code in Code from now in Before from main in Gen.Elements(true, false)
                     from which in Gen.Choose(0, 2)
                     select (code, now, main, attempt: which switch
                     {
                         0 => new PairingAttempt("tg:-100123", code, IsPrivateChat: false, IsRegistered: false, FromAssistant: false),
                         1 => new PairingAttempt("tg:7", code, IsPrivateChat: true, IsRegistered: true, FromAssistant: false),
                         _ => new PairingAttempt("15551234567@s.whatsapp.net", code, IsPrivateChat: true, IsRegistered: false, FromAssistant: true),
                     })).ToArbitrary(),
            x => Pairing.Decide(Some(Pairing.Issue(x.code, Issued)), x.main, x.attempt, x.now) == PairingOutcome.Ignore);

    [Property]
    public Property From_its_expiry_on_the_code_is_only_ever_discarded() =>
        Prop.ForAll((from code in Code from late in Gen.Choose(0, 1_000_000) from main in Gen.Elements(true, false)
                     from @private in Gen.Elements(true, false)
                     select (code, at: Issued + Pairing.Lifetime + TimeSpan.FromSeconds(late), main, @private)).ToArbitrary(),
            x => Pairing.Decide(Some(Pairing.Issue(x.code, Issued)), x.main,
                     new PairingAttempt("tg:1", x.code, x.@private, false, false), x.at) == PairingOutcome.Expired);

    [Property]
    public Property Without_a_pending_code_nothing_pairs() =>
        Prop.ForAll((from code in Code from now in Before from main in Gen.Elements(true, false) select (code, now, main)).ToArbitrary(),
            x => Pairing.Decide(None, x.main, Private("tg:1", x.code), x.now) == PairingOutcome.Ignore);

    [Property]
    public Property Codes_are_two_groups_of_four_from_the_alphabet_and_distinct_bytes_make_distinct_codes() =>
        Prop.ForAll((from a in Gen.ArrayOf(Gen.Choose(0, 31).Select(i => (byte)i), Pairing.CodeLength)
                     from b in Gen.ArrayOf(Gen.Choose(0, 31).Select(i => (byte)i), Pairing.CodeLength)
                     select (a, b)).ToArbitrary(),
            x =>
            {
                var code = Pairing.NewCode(x.a);
                return code.Length == Pairing.CodeLength + 1 && code[4] == '-'
                       && code.Remove(4, 1).All(c => Pairing.Alphabet.Contains(c))
                       && (Pairing.NewCode(x.b) == code) == x.a.SequenceEqual(x.b);
            });

    [Fact]
    public void Only_the_hash_is_kept_and_the_code_expires_an_hour_after_issue()
    {
        var pending = Pairing.Issue("ABCD-EFGH", Issued);
        Assert.DoesNotContain("ABCD", pending.CodeSha256, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(64, pending.CodeSha256.Length);
        Assert.Equal(Issued.AddHours(1), pending.ExpiresAt);
    }

    [Fact]
    public void A_corrupt_stored_hash_pairs_nothing()
    {
        var attempt = Private("tg:1", "ABCD-EFGH");
        Assert.Equal(PairingOutcome.Ignore, Pairing.Decide(Some(new PendingPairing("not hex", Issued.AddHours(1))), false, attempt, Issued));
        Assert.Equal(PairingOutcome.Ignore, Pairing.Decide(Some(new PendingPairing("abcd", Issued.AddHours(1))), false, attempt, Issued));
    }
}
