using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Core.Routing.RoutingExamples;

namespace NanoClaw.Tests.Core.Routing;

[Trait("Category", "Property")]
public class RoutingProperties
{
    private static readonly Gen<char> Letter = Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".ToCharArray());
    private static readonly Gen<char> WordChar = Gen.Elements("abcXYZ0189_éßЖ".ToCharArray());
    private static readonly Gen<char> NonWordChar = Gen.Elements(" ,.!?:;'\"-()\n\t@#/<>&".ToCharArray());

    private static Gen<string> StringOf(Gen<char> chars, int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(chars, n)).Select(a => new string(a));

    private static readonly Gen<string> Name =
        from first in Letter
        from rest in StringOf(Gen.Elements("abcdefghijKLMNOPQ0123456789_".ToCharArray()), 0, 10)
        select first + rest;

    private static readonly Gen<string> Whitespace = StringOf(Gen.Elements(' ', '\t', '\n', '\r'), 0, 3);
    private static readonly Gen<string> Tail = StringOf(Gen.Elements("abc XYZ 123 ,.!".ToCharArray()), 0, 12);

    private static string RandomCase(string s, int seed)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (((seed >> (i % 31)) & 1) == 1) chars[i] = char.IsUpper(chars[i]) ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
        return new string(chars);
    }

    [Property]
    public Property At_name_then_a_word_boundary_always_triggers() =>
        Prop.ForAll((
            from name in Name
            from lead in Whitespace
            from seed in Gen.Choose(0, int.MaxValue)
            from boundary in Gen.OneOf(Gen.Constant(""), from c in NonWordChar from t in Tail select c + t)
            select (name, content: lead + "@" + RandomCase(name, seed) + boundary)).ToArbitrary(),
            x => new TriggerMatcher(x.name).Matches(x.content));

    [Property]
    public Property At_name_then_a_letter_digit_or_underscore_never_triggers() =>
        Prop.ForAll((
            from name in Name
            from lead in Whitespace
            from c in WordChar
            from tail in Tail
            select (name, content: lead + "@" + name + c + tail)).ToArbitrary(),
            x => !new TriggerMatcher(x.name).Matches(x.content));

    [Property]
    public Property Content_not_starting_with_the_at_sign_never_triggers() =>
        Prop.ForAll((
            from name in Name
            from lead in Whitespace
            from first in Gen.Elements("abcAZ09,.#".ToCharArray())
            from tail in Tail
            select (name, content: lead + first + "@" + name + " " + tail)).ToArbitrary(),
            x => !new TriggerMatcher(x.name).Matches(x.content));

    // ---- batches ----

    private static readonly string[] Times =
    [
        "2026-01-31T14:00:00.000Z", "2026-01-31T14:00:00.001Z", "2026-01-31T14:30:00.000Z",
        "2026-02-01T00:00:00.000Z", "2026-12-31T23:59:59.999Z",
    ];

    private static readonly Gen<ChatMessage> AnyMessage =
        from id in Gen.Elements("a", "b", "c", "d", "e", "f")
        from ts in Gen.Elements(Times)
        from content in Gen.Elements("", " ", "\n\t", "hi", "@Andy go", "Andy: reply")
        from isBot in Gen.Elements(false, false, true)
        select Message(id, ts, content, isBot: isBot);

    [Property]
    public Property Batch_holds_exactly_the_eligible_messages_after_the_cursor_in_order() =>
        Prop.ForAll((
            from messages in Gen.ListOf(AnyMessage)
            from cursor in Gen.Elements(["", .. Times])
            select (messages, cursor)).ToArbitrary(),
            x =>
            {
                var batch = BatchRules.Select(x.messages, x.cursor).ToList();
                var eligible = x.messages.Count(m => !m.IsBotMessage && !string.IsNullOrWhiteSpace(m.Content) && string.CompareOrdinal(m.Timestamp, x.cursor) > 0);
                var allEligible = batch.TrueForAll(m => !m.IsBotMessage && m.Content.Trim().Length > 0 && string.CompareOrdinal(m.Timestamp, x.cursor) > 0);
                var sorted = batch.Zip(batch.Skip(1)).All(p =>
                {
                    var t = string.CompareOrdinal(p.Item1.Timestamp, p.Item2.Timestamp);
                    return t < 0 || t == 0 && string.CompareOrdinal(p.Item1.Id, p.Item2.Id) <= 0;
                });
                return batch.Count == eligible && allEligible && sorted;
            });

    [Property]
    public Property A_triggered_group_wakes_iff_some_message_carries_the_trigger() =>
        Prop.ForAll((
            from plain in Gen.ListOf(Gen.Elements("hello", "Andy is here", "hey @Andy", "@Andy2 no", "@Andrew"))
            from withTrigger in Gen.Elements(false, true)
            from at in Gen.Choose(0, 100)
            select (plain, withTrigger, at)).ToArbitrary(),
            x =>
            {
                var contents = x.plain.ToList();
                if (x.withTrigger) contents.Insert(x.at % (contents.Count + 1), "  @andy, please");
                var batch = toSeq(contents.Select((c, i) => Message(i.ToString(), Times[0], c)).ToArray());
                return BatchRules.ShouldWake(Group(), batch, new TriggerMatcher("Andy")) == x.withTrigger
                    && BatchRules.ShouldWake(Group(isMain: true), batch, new TriggerMatcher("Andy")) == !batch.IsEmpty;
            });

    [Property(MaxTest = 500)]
    public Property WouldWake_answers_as_ShouldWake_on_the_selected_batch() =>
        Prop.ForAll((
            from messages in Gen.ListOf(AnyMessage)
            from cursor in Gen.Elements(["", .. Times])
            from isMain in Gen.Elements(false, true)
            from requiresTrigger in Gen.Elements(false, true)
            from refused in Gen.SubListOf("a", "b", "c", "d", "e", "f")
            select (messages, cursor, owner: Group(requiresTrigger: requiresTrigger, isMain: isMain), refused)).ToArbitrary(),
            x =>
            {
                var trigger = new TriggerMatcher("Andy");
                Func<ChatMessage, bool> mayTrigger = m => !x.refused.Contains(m.Id);
                var seq = toSeq(x.messages);
                return BatchRules.WouldWake(x.owner, seq, x.cursor, trigger, mayTrigger)
                    == BatchRules.ShouldWake(x.owner, BatchRules.Select(seq, x.cursor), trigger, mayTrigger);
            });

    [Property]
    public Property Cursor_never_passes_a_batch_that_failed_silently() =>
        Prop.ForAll((
            from prev in Gen.Elements(Times)
            from last in Gen.Elements(Times)
            from ok in Gen.Elements(false, true)
            from sent in Gen.Elements(false, true)
            select (prev, last, ok, sent)).ToArbitrary(),
            x =>
            {
                var next = CursorRules.AfterAgentRun(x.prev, x.last, x.ok, x.sent);
                return (!x.ok && !x.sent) ? next == x.prev : next == x.last;
            });

    // ---- outbound ----

    private static readonly Gen<string> AgentText =
        Gen.ListOf(Gen.Elements("<internal>", "</internal>", "<INTERNAL>", "</Internal>", "<inter", "nal>", "</inter", "<", ">", "/", "a", "reply", " ", "\n", "é"))
            .Select(parts => string.Concat(parts));

    [Property]
    public Property Stripping_never_leaves_an_internal_tag_and_is_idempotent() =>
        Prop.ForAll(AgentText.ToArbitrary(), text =>
        {
            var once = OutboundRules.StripInternal(text);
            var twice = once.Bind(t => OutboundRules.StripInternal(t));
            var clean = once.ForAll(t =>
                !t.Contains("<internal>", StringComparison.OrdinalIgnoreCase) &&
                !t.Contains("</internal>", StringComparison.OrdinalIgnoreCase) &&
                t == t.Trim() && t.Length > 0);
            return clean && once == twice;
        });

    [Property]
    public Property Text_without_tags_is_only_trimmed() =>
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), raw =>
        {
            var text = (raw ?? "").Replace("<", "");
            var trimmed = text.Trim();
            return OutboundRules.StripInternal(text) == (trimmed.Length == 0 ? None : Some(trimmed));
        });

    // ---- prompt ----

    private static readonly Gen<string> XmlishText =
        Gen.ListOf(Gen.Elements("a", "Z", " ", "&", "<", ">", "\"", "'", "\n", "\r", "\r\n", "\t", "é", "😀", "]]>", "&amp;", "<message>", "</messages>", "  "))
            .Select(parts => string.Concat(parts));

    private static readonly Gen<string> AnyTimestamp =
        Gen.Choose(0, 400_000_000).Select(s => IsoTimestamp.From(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(s * 1.5)));

    private static readonly Gen<ChatMessage> PromptMessage =
        from id in Gen.Elements("m1", "m2", "m3")
        from ts in AnyTimestamp
        from sender in XmlishText
        from content in XmlishText
        from reply in Gen.OneOf(
            Gen.Constant(Option<ReplyReference>.None),
            from rid in XmlishText
            from quoted in Gen.OneOf(Gen.Constant(Option<string>.None), XmlishText.Select(Some))
            from fromName in Gen.OneOf(Gen.Constant(Option<string>.None), XmlishText.Select(Some))
            select Some(new ReplyReference(rid, quoted, fromName)))
        select Message(id, ts, content, senderName: sender, replyTo: reply);

    private static XElement Parse(string prompt) =>
        XDocument.Parse("<root>" + prompt + "</root>", LoadOptions.PreserveWhitespace).Root!;

    [Property]
    public Property Prompt_is_well_formed_xml_that_gives_back_every_sender_content_and_quote_in_order() =>
        Prop.ForAll(Gen.ListOf(PromptMessage).Select(l => toSeq(l.ToArray())).ToArbitrary(), batch =>
        {
            var root = Parse(PromptFormatter.Format(batch, NewYork));
            var context = root.Element("context")!;
            var elements = root.Element("messages")!.Elements("message").ToList();
            return context.Attribute("timezone")!.Value == NewYork.Id
                && elements.Count == batch.Count
                && elements.Zip(batch).All(p =>
                {
                    var (el, m) = p;
                    var text = string.Concat(el.Nodes().OfType<XText>().Select(t => t.Value));
                    var quote = el.Element("quoted_message");
                    var replyOk = m.ReplyTo.Match(
                        r => el.Attribute("reply_to")?.Value == r.MessageId
                             && r.Content.Match(
                                 c => quote is not null && quote.Value == c && quote.Attribute("from")?.Value == r.SenderName.IfNoneUnsafe((string?)null),
                                 () => quote is null),
                        () => el.Attribute("reply_to") is null && quote is null);
                    return el.Attribute("sender")!.Value == m.SenderName
                        && text == m.Content
                        && el.Attribute("time")!.Value == PromptFormatter.LocalTime(IsoTimestamp.Parse(m.Timestamp).IfNone(default(DateTimeOffset)), NewYork)
                        && replyOk;
                });
        });

    [Property]
    public Property Prompt_is_well_formed_xml_whatever_the_characters() =>
        Prop.ForAll(ArbMap.Default.ArbFor<string[]>(), texts =>
        {
            var batch = toSeq((texts ?? []).Select((t, i) => Message(i.ToString(), t ?? "", t ?? "", senderName: t ?? "",
                replyTo: i % 2 == 0 ? Some(new ReplyReference(t ?? "", Some(t ?? ""), Some(t ?? ""))) : None)).ToArray());
            var root = Parse(PromptFormatter.Format(batch, NewYork));
            return root.Element("messages")!.Elements("message").Count() == batch.Count;
        });
}
