using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Routing;

/// <summary>
/// The wake rule with <see cref="ChatMessage.AddressesAssistant"/> (issue 18: a Telegram @mention of the bot or a reply
/// to the bot): a group that needs a trigger wakes when some new human message carries the trigger word or is
/// addressed, and never otherwise; <c>ShouldWake</c> and the router's <c>WouldWake</c> agree.
/// </summary>
[Trait("Category", "Telegram")]
[Trait("Category", "Property")]
public class AddressedWakeProperties
{
    private static readonly RegisteredGroup Group = new("tg:-100777", "Family", "family", "@Andy", "2026-01-01T00:00:00.000Z", None, true, false);
    private static readonly TriggerMatcher Trigger = TriggerMatcher.ForPattern("@Andy");

    private static readonly Gen<ChatMessage> Message =
        from n in Gen.Choose(0, 9999)
        from text in Gen.Elements("hello", "@Andy what's up", "@andy!", "ask @Andy later", "@Andyx no", "  ", "pics")
        from addressed in Gen.Elements(false, false, true)
        from bot in Gen.Elements(false, false, false, true)
        select new ChatMessage($"m{n}", Group.Jid, "tg:1001", "Alice", text,
            $"2026-02-01T10:{n / 600 % 60:00}:{n / 10 % 60:00}.{n % 10}00Z", bot, bot, None) { AddressesAssistant = addressed };

    private static readonly Gen<Seq<ChatMessage>> Messages = Gen.Choose(0, 8).SelectMany(k => Gen.ArrayOf(Message, k)).Select(a => toSeq(a).Strict());

    [Property(MaxTest = 500)]
    public Property A_group_wakes_on_its_trigger_or_an_addressed_message_and_never_otherwise() =>
        Prop.ForAll(Messages.ToArbitrary(), messages =>
        {
            var batch = BatchRules.Select(messages, "");
            var expected = batch.Exists(m => Trigger.Matches(m.Content) || m.AddressesAssistant);
            var should = BatchRules.ShouldWake(Group, batch, Trigger);
            var would = BatchRules.WouldWake(Group, messages, "", Trigger, static _ => true);
            return (should == expected && would == expected).Label($"expected {expected}, ShouldWake {should}, WouldWake {would}");
        });

    [Property(MaxTest = 300)]
    public Property An_addressed_message_from_a_sender_the_allowlist_refuses_does_not_wake() =>
        Prop.ForAll(Messages.ToArbitrary(), messages =>
            !BatchRules.WouldWake(Group, messages, "", Trigger, static _ => false)
            && !BatchRules.ShouldWake(Group, BatchRules.Select(messages, ""), Trigger, static _ => false));
}
