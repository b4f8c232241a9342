using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Core.Formatting;
using NanoClaw.Tests.Support.FakeTelegram;

namespace NanoClaw.Tests.Telegram;

/// <summary>
/// Invariants of <see cref="TelegramFormatting.Split"/>: parts within the limit, balanced (checked by the fake Bot
/// API's own parser of Telegram HTML), nothing lost or added, and no word cut unless it is longer than a message.
/// </summary>
[Trait("Category", "Telegram")]
[Trait("Category", "Property")]
public sealed class TelegramSplittingProperties
{
    private static Gen<string> StringOf(Gen<char> chars, int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(chars, n)).Select(a => new string(a));

    private static readonly Gen<string> Word =
        from first in Gen.Elements("abcdefghijklmnopqrstuvwxyzÄéЖ😀".ToCharArray())
        from rest in StringOf(Gen.Elements("abcxyz0189ßé&<>\"".ToCharArray()), 0, 12)
        select first + rest;

    private static readonly Gen<string> Token = Gen.OneOf(
        Word, Word, Word, Word,
        Gen.Elements(" ", " ", " ", "\n", "\n\n", "**", "*", "_", "~~", "`", "```\n", "# ", "- ", "> ", "&", "<", "😀"),
        Word.Select(w => $"[{w}](https://example.com/{w})"),
        Gen.Choose(20, 90).Select(n => new string('w', n)));

    private static readonly Gen<(string Html, int Limit)> Input =
        from n in Gen.Choose(1, 80)
        from tokens in Gen.ArrayOf(Token, n)
        from limit in Gen.Choose(2, 70)
        select (TelegramFormatting.ToHtml(string.Concat(tokens)), limit);

    private static string Visible(string html) => TelegramHtml.Parse(html).Text;

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n';

    [Property(MaxTest = 500)]
    public Property Each_part_is_balanced_telegram_html_within_the_limit() =>
        Prop.ForAll(Input.ToArbitrary(), input =>
        {
            var parts = TelegramFormatting.Split(input.Html, input.Limit);
            var parsed = parts.Select(TelegramHtml.Parse).ToList();
            return (parsed.All(p => p.Ok) && parsed.All(p => p.Text.Length <= input.Limit))
                .Label($"[{string.Join("] [", parts)}] → {string.Join("; ", parsed.Select(p => p.Error ?? p.Text.Length.ToString()))}");
        });

    [Property(MaxTest = 500)]
    public Property The_parts_visible_texts_concatenated_are_the_original_visible_text() =>
        Prop.ForAll(Input.ToArbitrary(), input =>
        {
            var joined = string.Concat(TelegramFormatting.Split(input.Html, input.Limit).Select(Visible));
            return (joined == Visible(input.Html)).Label($"joined [{joined}] original [{Visible(input.Html)}]");
        });

    [Property(MaxTest = 500)]
    public Property A_word_is_cut_only_when_it_is_longer_than_a_message() =>
        Prop.ForAll(Input.ToArbitrary(), input =>
        {
            var parts = TelegramFormatting.Split(input.Html, input.Limit).Select(Visible).ToList();
            var text = string.Concat(parts);
            var at = 0;
            foreach (var part in parts.Take(parts.Count - 1))
            {
                at += part.Length;
                if (IsSpace(text[at - 1]) || IsSpace(text[at])) continue;
                var start = at;
                while (start > 0 && !IsSpace(text[start - 1])) start--;
                var end = at;
                while (end < text.Length && !IsSpace(text[end])) end++;
                if (end - start <= input.Limit) return false.Label($"word [{text[start..end]}] cut at {at - start} with limit {input.Limit}");
            }
            return true.ToProperty();
        });

    [Fact]
    public void A_paragraph_break_is_preferred_to_a_line_break_and_a_line_break_to_a_space()
    {
        var paragraph = TelegramFormatting.Split("aaa bbb\n\nccc\nddd eee", 17);
        Assert.Equal(["aaa bbb\n\n", "ccc\nddd eee"], paragraph);
        Assert.Equal(["aaa bbb\n", "ccc ddd"], TelegramFormatting.Split("aaa bbb\nccc ddd", 12));
        Assert.Equal(["aaa bbb ", "ccc"], TelegramFormatting.Split("aaa bbb ccc", 9));
    }

    [Fact]
    public void Tags_open_at_a_cut_are_closed_and_reopened_and_entities_are_never_split()
    {
        var parts = TelegramFormatting.Split("<b>one <i>two &amp; three</i> four</b>", 10);
        Assert.All(parts, p => Assert.True(TelegramHtml.Parse(p).Ok, p));
        Assert.Equal(["<b>one <i>two &amp; </i></b>", "<b><i>three</i> four</b>"], parts);
        // A word longer than the limit is cut, but between characters: the entity stays whole.
        Assert.Equal(["ab&amp;", "cd"], TelegramFormatting.Split("ab&amp;cd", 3));
    }

    [Fact]
    public void A_word_longer_than_a_message_fills_the_message_instead_of_leaving_it_short()
    {
        var parts = TelegramFormatting.Split("go " + new string('x', 12), 10);
        Assert.Equal(["go xxxxxxx", "xxxxx"], parts);
    }
}
