using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Core.Formatting;

namespace NanoClaw.Tests.Core.Formatting;

/// <summary>Invariants of the Markdown → WhatsApp conversion (issue 17, "Out").</summary>
[Trait("Category", "Media")]
[Trait("Category", "Property")]
public class WhatsAppFormattingProperties
{
    private const char Z = WhatsAppFormatting.Neutraliser;

    private static Gen<string> StringOf(Gen<char> chars, int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(chars, n)).Select(a => new string(a));

    private static readonly Gen<string> Word =
        from first in Gen.Elements("abcdefghijklmnopqrstuvwxyzÄéЖ".ToCharArray())
        from rest in StringOf(Gen.Elements("abcxyz0189ßé".ToCharArray()), 0, 7)
        select first + rest;

    // Markdown-ish token soup: every construct the converter handles, in any order, so half-open markers and odd
    // nestings come up as often as well-formed ones.
    private static readonly Gen<string> Token = Gen.OneOf(
        Word, Word, Word,
        Gen.Elements(" ", " ", "\n", "\n\n", "**", "*", "_", "__", "~~", "`", "```\n", "# ", "## ", "- ", "1. ", "> ", "|", "|---|\n",
            "\\*", "\\_", "~", "!", "    ", "&amp;", "<b>", "---\n"),
        Word.Select(w => $"[{w}](https://example.com/{w})"));

    private static readonly Gen<string> Markdownish = Gen.Choose(1, 40).SelectMany(n => Gen.ArrayOf(Token, n)).Select(string.Concat);

    private static readonly Gen<string> Line =
        Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(from w in Word from p in Gen.Elements("", "", ",", ".", "!", "?", ":") select w + p, n))
            .Select(words => string.Join(" ", words));

    // Plain text: words and punctuation, lines and paragraphs; none of Markdown's syntax.
    private static readonly Gen<string> PlainText =
        Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(
                Gen.Choose(1, 3).SelectMany(m => Gen.ArrayOf(Line, m)).Select(lines => string.Join("\n", lines)), n))
            .Select(paragraphs => string.Join("\n\n", paragraphs));

    // The letters and digits of a text, in order: what a reader reads, whatever the markers, spaces and URLs around them.
    private static string Letters(string text) => new(text.Where(char.IsLetterOrDigit).ToArray());

    private static bool IsSubsequence(string small, string large)
    {
        var j = 0;
        foreach (var c in large)
            if (j < small.Length && small[j] == c) j++;
        return j == small.Length;
    }

    [Property(MaxTest = 500)]
    public Property Never_loses_text_every_letter_of_the_text_content_is_sent_in_order() =>
        Prop.ForAll(Markdownish.ToArbitrary(), markdown =>
        {
            var content = Letters(Markdig.Markdown.ToPlainText(markdown, WhatsAppFormatting.Pipeline));
            var sent = WhatsAppFormatting.Convert(markdown);
            return IsSubsequence(content, Letters(sent)).Label($"content [{content}] sent [{sent}]");
        });

    [Property(MaxTest = 300)]
    public Property Plain_text_is_sent_unchanged() =>
        Prop.ForAll(PlainText.ToArbitrary(), text => WhatsAppFormatting.Convert(text) == text);

    [Property(MaxTest = 300)]
    public Property Converting_plain_text_twice_changes_nothing_more() =>
        Prop.ForAll(PlainText.ToArbitrary(), text =>
            WhatsAppFormatting.Convert(WhatsAppFormatting.Convert(text)) == WhatsAppFormatting.Convert(text));

    // WhatsApp's rule as far as it is documented and observed: a marker opens after the start, a space or punctuation
    // and before a non-space; it closes after a non-space and before the end, a space or punctuation.
    private static readonly Regex WhatsAppSpan = new(@"(?<=^|[\s\p{P}])([*_~]|```)(?=\S)(.*?\S)?\1(?=$|[\s\p{P}])", RegexOptions.Singleline);

    // Every literal marker is wrapped in neutralisers unless it sits inside a word or between spaces (where WhatsApp
    // cannot use it), and no span WhatsApp would format can be found.
    // Literal markers (escaped in Markdown, so the author meant the characters) among words and spaces.
    private static readonly Gen<string> LiteralMarkers =
        Gen.Choose(1, 20).SelectMany(n => Gen.ArrayOf(Gen.OneOf(Word, Gen.Elements(" ", " ", "\\*", "\\_", "\\~", "\\`", ".", "(", ")")), n))
            .SelectMany(tokens => Word.Select(first => first + string.Concat(tokens))); // a word first: never an indented code block

    [Property(MaxTest = 500)]
    public Property Literal_markers_can_never_pair_up_into_whatsapp_formatting() =>
        Prop.ForAll(LiteralMarkers.ToArbitrary(), markdown =>
        {
            var sent = WhatsAppFormatting.Convert(markdown);
            var bare = Enumerable.Range(0, sent.Length).Where(i => sent[i] is '*' or '_' or '~' or '`')
                .Where(i => !(i > 0 && i + 1 < sent.Length && sent[i - 1] == Z && sent[i + 1] == Z))
                .Where(i => !(i > 0 && i + 1 < sent.Length && char.IsLetterOrDigit(sent[i - 1]) && char.IsLetterOrDigit(sent[i + 1])))
                .Where(i => !((i == 0 || char.IsWhiteSpace(sent[i - 1])) && (i + 1 == sent.Length || char.IsWhiteSpace(sent[i + 1]))));
            return (!WhatsAppSpan.IsMatch(sent) && !bare.Any()).Label($"sent: {sent.Replace(Z, '¦')}");
        });

    [Property(MaxTest = 300)]
    public Property Any_string_converts_without_throwing() =>
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), s => WhatsAppFormatting.Convert(s) is not null);
}
