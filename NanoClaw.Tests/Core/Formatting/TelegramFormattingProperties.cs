using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Core.Formatting;
using NanoClaw.Tests.Support.FakeTelegram;

namespace NanoClaw.Tests.Core.Formatting;

/// <summary>
/// Invariants of Markdown → Telegram HTML messages. The oracle for "well-formed" is <see cref="TelegramHtml"/>, the
/// fake Bot API's own parser of Telegram's HTML rules (the one that answers 400 "can't parse entities").
/// </summary>
[Trait("Category", "Telegram")]
[Trait("Category", "Property")]
public class TelegramFormattingProperties
{
    private static Gen<string> StringOf(Gen<char> chars, int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(chars, n)).Select(a => new string(a));

    private static readonly Gen<string> Word =
        from first in Gen.Elements("abcdefghijklmnopqrstuvwxyzÄéЖ😀".ToCharArray())
        from rest in StringOf(Gen.Elements("abcxyz0189ßé&<>\"".ToCharArray()), 0, 7)
        select first + rest;

    private static readonly Gen<string> Token = Gen.OneOf(
        Word, Word, Word,
        Gen.Elements(" ", " ", "\n", "\n\n", "**", "*", "_", "__", "~~", "`", "```\n", "# ", "## ", "- ", "1. ", "> ", "|", "|---|\n",
            "\\*", "\\_", "~", "!", "    ", "&amp;", "<b>", "</i>", "&", "<", ">", "---\n", "😀", "[x](javascript:alert(1))"),
        Word.Select(w => $"[{w}](https://example.com/{w}?a=1&b=\"2\")"));

    private static readonly Gen<string> Markdownish = Gen.Choose(1, 60).SelectMany(n => Gen.ArrayOf(Token, n)).Select(string.Concat);

    // Long texts with small limits exercise the cutting of one block across several messages.
    private static readonly Gen<(string Markdown, int Limit)> WithLimit =
        from markdown in Markdownish
        from limit in Gen.Choose(2, 60)
        select (markdown, limit);

    private static string Letters(string text) => new(text.Where(char.IsLetterOrDigit).ToArray());

    [Property(MaxTest = 500)]
    public Property Every_message_is_well_formed_telegram_html_within_the_limit_and_not_blank() =>
        Prop.ForAll(WithLimit.ToArbitrary(), input =>
        {
            var messages = TelegramFormatting.ToMessages(input.Markdown, input.Limit);
            var parsed = messages.Select(TelegramHtml.Parse).ToList();
            return (parsed.All(p => p.Ok) && parsed.All(p => p.Text.Length <= input.Limit) && parsed.All(p => p.Text.Trim().Length > 0))
                .Label($"[{string.Join("] [", messages)}] → {string.Join("; ", parsed.Select(p => p.Error ?? p.Text.Length.ToString()))}");
        });

    [Property(MaxTest = 500)]
    public Property Splitting_keeps_every_letter_in_order_and_the_visible_text_of_the_unsplit_html() =>
        Prop.ForAll(WithLimit.ToArbitrary(), input =>
        {
            var content = Letters(Markdig.Markdown.ToPlainText(input.Markdown, WhatsAppFormatting.Pipeline));
            var whole = Letters(TelegramHtml.Parse(TelegramFormatting.ToHtml(input.Markdown)).Text);
            var split = Letters(string.Concat(TelegramFormatting.ToMessages(input.Markdown, input.Limit).Select(m => TelegramHtml.Parse(m).Text)));
            return (split == whole && IsSubsequence(content, split)).Label($"content [{content}] whole [{whole}] split [{split}]");
        });

    [Property(MaxTest = 300)]
    public Property Any_string_converts_without_throwing() =>
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), s => TelegramFormatting.ToMessages(s).All(m => TelegramHtml.Parse(m).Ok));

    [Fact]
    public void Markdown_becomes_telegram_tags_and_special_characters_are_escaped()
    {
        var html = TelegramFormatting.ToHtml("# Plan\n**bold** and _it_ and ~~gone~~ `a<b` [site](https://x.org/?a=1&b=2)\n\n- one & two\n- 3 > 2");
        Assert.Equal("<b>Plan</b>\n\n<b>bold</b> and <i>it</i> and <s>gone</s> <code>a&lt;b</code> <a href=\"https://x.org/?a=1&amp;b=2\">site</a>\n\n• one &amp; two\n• 3 &gt; 2", html);
    }

    [Fact]
    public void A_long_reply_is_split_at_4096_visible_characters_inside_a_bold_span_without_breaking_it()
    {
        var text = "**" + new string('a', 5000) + "** & done";
        var messages = TelegramFormatting.ToMessages(text);
        Assert.Equal(2, messages.Count);
        Assert.Equal(4096, TelegramHtml.Parse(messages[0]).Text.Length);
        Assert.StartsWith("<b>", messages[1]);
        Assert.EndsWith("</b> &amp; done", messages[1]);
    }

    private static bool IsSubsequence(string small, string large)
    {
        var j = 0;
        foreach (var c in large)
            if (j < small.Length && small[j] == c) j++;
        return j == small.Length;
    }
}
