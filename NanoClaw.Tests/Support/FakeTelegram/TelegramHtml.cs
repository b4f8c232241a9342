using System.Globalization;
using System.Text;

namespace NanoClaw.Tests.Support.FakeTelegram;

/// <summary>
/// Telegram's HTML parse mode as the Bot API accepts it (https://core.telegram.org/bots/api#html-style): only the
/// listed tags, properly nested; <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> outside tags only as entities (named
/// <c>&amp;lt; &amp;gt; &amp;amp; &amp;quot;</c> or numeric). The fake answers 400 "can't parse entities" where this
/// fails, and property tests use it as the well-formedness oracle.
/// </summary>
public static class TelegramHtml
{
    private static readonly HashSet<string> Tags = new(StringComparer.Ordinal)
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler", "span",
        "blockquote", "tg-emoji",
    };

    /// <summary>The parse result: the visible text, or the reason Telegram would refuse it.</summary>
    public sealed record Result(string Text, string? Error)
    {
        public bool Ok => Error is null;
    }

    public static Result Parse(string html)
    {
        var text = new StringBuilder(html.Length);
        var open = new Stack<string>();
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<')
            {
                var end = html.IndexOf('>', i + 1);
                if (end < 0) return Fail($"unclosed start tag at byte offset {i}");
                var inner = html[(i + 1)..end];
                var closing = inner.StartsWith('/');
                var name = (closing ? inner[1..] : inner).Split(' ', 2)[0].Trim();
                if (!Tags.Contains(name)) return Fail($"unsupported start tag \"{name}\" at byte offset {i}");
                if (closing)
                {
                    if (open.Count == 0 || open.Peek() != name) return Fail($"unmatched end tag at byte offset {i}, expected \"</{(open.Count > 0 ? open.Peek() : "")}>\", found \"</{name}>\"");
                    open.Pop();
                }
                else
                {
                    if (inner.Contains('<')) return Fail($"unexpected < inside a tag at byte offset {i}");
                    open.Push(name);
                }
                i = end + 1;
            }
            else if (c == '>')
            {
                return Fail($"character '>' is reserved at byte offset {i}");
            }
            else if (c == '&')
            {
                var semi = html.IndexOf(';', i + 1);
                if (semi < 0 || semi - i > 10) return Fail($"character '&' is reserved at byte offset {i}");
                var entity = html[(i + 1)..semi];
                string? decoded = entity switch
                {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    _ when entity.StartsWith("#x", StringComparison.Ordinal)
                        && int.TryParse(entity[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) => char.ConvertFromUtf32(hex),
                    _ when entity.StartsWith('#')
                        && int.TryParse(entity[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var dec) => char.ConvertFromUtf32(dec),
                    _ => null,
                };
                if (decoded is null) return Fail($"unsupported entity \"&{entity};\" at byte offset {i}");
                text.Append(decoded);
                i = semi + 1;
            }
            else
            {
                text.Append(c);
                i++;
            }
        }
        if (open.Count > 0) return Fail($"can't find end tag corresponding to start tag \"{open.Peek()}\"");
        return new Result(text.ToString(), null);
    }

    private static Result Fail(string why) => new("", "Bad Request: can't parse entities: " + why);
}
