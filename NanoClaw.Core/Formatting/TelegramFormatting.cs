using System.Globalization;
using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace NanoClaw.Core.Formatting;

/// <summary>
/// Converts the Markdown Claude writes into Telegram's HTML parse mode (<c>&lt;b&gt; &lt;i&gt; &lt;s&gt; &lt;code&gt;
/// &lt;pre&gt; &lt;a href&gt; &lt;blockquote&gt;</c>), escaping <c>&amp; &lt; &gt;</c> in text and <c>"</c> in attributes, and
/// splits the result into messages Telegram accepts (at most <see cref="MaxMessageLength"/> visible characters each).
/// A split never falls inside a tag, an entity or a surrogate pair: tags open at the cut are closed before it and
/// opened again after it. Pure and total. See README.md beside this file.
/// </summary>
public static partial class TelegramFormatting
{
    /// <summary>Telegram's limit on one message's text after entity parsing, in UTF-16 code units.</summary>
    public const int MaxMessageLength = 4096;

    /// <summary>Converts Markdown to Telegram HTML blocks joined by blank lines (one string, not split).</summary>
    public static string ToHtml(string? markdown) => string.Join("\n\n", Blocks(markdown));

    /// <summary>Converts Markdown to Telegram HTML messages, each well-formed and at most <paramref name="limit"/> visible characters.</summary>
    /// <param name="markdown">The agent's text.</param>
    /// <param name="limit">Most visible characters per message (at least 2, so a surrogate pair always fits).</param>
    public static IReadOnlyList<string> ToMessages(string? markdown, int limit = MaxMessageLength)
    {
        if (limit < 2) throw new ArgumentOutOfRangeException(nameof(limit), "a message holds at least two characters");
        // Telegram refuses an empty message (and trims each one), so whitespace-only parts are not sent.
        return Split(ToHtml(markdown), limit).Where(part => VisibleText(part).Trim().Length > 0).ToList();
    }

    /// <summary>Escapes text for Telegram HTML: <c>&amp; &lt; &gt;</c> (and <c>"</c>, harmless in text, needed in attributes).</summary>
    public static string Escape(string text)
    {
        var b = new StringBuilder(text.Length + 8);
        foreach (var c in text)
            b.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                _ => c.ToString(),
            });
        return b.ToString();
    }

    /// <summary>The text a reader sees: tags dropped, the four entities this class writes decoded.</summary>
    public static string VisibleText(string html)
    {
        var b = new StringBuilder(html.Length);
        foreach (var token in Tokens(html))
            if (token.Visible > 0) b.Append(token.Text[0] == '&' ? Decode(token.Text) : token.Text);
        return b.ToString();
    }

    private static int VisibleLength(string html) => Tokens(html).Sum(t => t.Visible);

    private static string Decode(string entity) => entity switch
    {
        "&amp;" => "&",
        "&lt;" => "<",
        "&gt;" => ">",
        "&quot;" => "\"",
        _ => entity,
    };

    private readonly record struct Token(string Text, int Visible, string? OpensTag, bool ClosesTag);

    // The converter's own output only: tags never hold '>' (attributes are escaped), entities end at ';'.
    private static IEnumerable<Token> Tokens(string html)
    {
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<')
            {
                var end = html.IndexOf('>', i);
                var tag = html[i..(end + 1)];
                var closing = tag.StartsWith("</", StringComparison.Ordinal);
                var name = tag.Trim('<', '>', '/').Split(' ')[0];
                yield return new Token(tag, 0, closing ? null : name, closing);
                i = end + 1;
            }
            else if (c == '&')
            {
                var end = html.IndexOf(';', i);
                yield return new Token(html[i..(end + 1)], 1, null, false);
                i = end + 1;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < html.Length && char.IsLowSurrogate(html[i + 1]))
            {
                yield return new Token(html.Substring(i, 2), 2, null, false);
                i += 2;
            }
            else
            {
                yield return new Token(c.ToString(), 1, null, false);
                i++;
            }
        }
    }

    // ---- blocks -------------------------------------------------------------------------------

    private static List<string> Blocks(string? markdown)
    {
        var output = new List<string>();
        if (string.IsNullOrEmpty(markdown)) return output;
        foreach (var block in Markdown.Parse(markdown, WhatsAppFormatting.Pipeline)) Block(block, output, 0);
        return output.Where(b => VisibleText(b).Trim().Length > 0).ToList();
    }

    private static void Block(Block block, List<string> output, int depth)
    {
        switch (block)
        {
            case HeadingBlock heading:
                output.Add("<b>" + Inlines(heading.Inline) + "</b>");
                break;
            case ParagraphBlock paragraph:
                output.Add(Inlines(paragraph.Inline));
                break;
            case FencedCodeBlock or CodeBlock:
                output.Add("<pre>" + Escape(CodeText((LeafBlock)block)) + "</pre>");
                break;
            case QuoteBlock quote:
                var inner = new List<string>();
                foreach (var child in quote) Block(child, inner, depth);
                output.Add("<blockquote>" + string.Join("\n", inner) + "</blockquote>");
                break;
            case ListBlock list:
                output.Add(List(list, depth));
                break;
            case Table table:
                output.Add("<pre>" + Escape(TableText(table)) + "</pre>");
                break;
            case ThematicBreakBlock:
                output.Add("———");
                break;
            case HtmlBlock html:
                output.Add(Escape(CodeText(html)));
                break;
            case LeafBlock leaf when leaf.Inline is not null:
                output.Add(Inlines(leaf.Inline));
                break;
            case LeafBlock leaf:
                output.Add(Escape(CodeText(leaf)));
                break;
            case ContainerBlock container:
                foreach (var child in container) Block(child, output, depth);
                break;
        }
    }

    private static string List(ListBlock list, int depth)
    {
        var lines = new List<string>();
        var number = int.TryParse(list.OrderedStart, NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : 1;
        foreach (var item in list.OfType<ListItemBlock>())
        {
            var marker = list.IsOrdered ? $"{number++}. " : "• ";
            var parts = new List<string>();
            foreach (var child in item)
            {
                if (child is ListBlock nested) parts.Add(List(nested, depth + 1));
                else Block(child, parts, depth + 1);
            }
            lines.Add(new string(' ', depth * 2) + marker + string.Join("\n", parts));
        }
        return string.Join("\n", lines);
    }

    private static string CodeText(LeafBlock block) => block.Lines.ToString().TrimEnd('\n');

    private static string TableText(Table table)
    {
        var rows = table.OfType<TableRow>()
            .Select(r => r.OfType<TableCell>().Select(c => string.Concat(c.Select(b => b is LeafBlock l && l.Inline is not null ? PlainInlines(l.Inline) : ""))).ToList())
            .ToList();
        var columns = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        var widths = Enumerable.Range(0, columns).Select(i => rows.Max(r => i < r.Count ? r[i].Length : 0)).ToArray();
        return string.Join("\n", rows.Select(r => string.Join(" | ", r.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()));
    }

    // ---- inlines ------------------------------------------------------------------------------

    private static string Inlines(ContainerInline? container)
    {
        if (container is null) return "";
        var b = new StringBuilder();
        foreach (var inline in container) Inline(inline, b);
        return b.ToString();
    }

    private static void Inline(Inline inline, StringBuilder b)
    {
        switch (inline)
        {
            case LiteralInline literal:
                b.Append(Escape(literal.Content.ToString()));
                break;
            case CodeInline code:
                b.Append("<code>").Append(Escape(code.Content)).Append("</code>");
                break;
            case LineBreakInline:
                b.Append('\n');
                break;
            case HtmlEntityInline entity:
                b.Append(Escape(entity.Transcoded.ToString()));
                break;
            case HtmlInline html:
                b.Append(Escape(html.Tag));
                break;
            case AutolinkInline auto:
                var target = auto.IsEmail ? "mailto:" + auto.Url : auto.Url;
                b.Append("<a href=\"").Append(Escape(target)).Append("\">").Append(Escape(auto.Url)).Append("</a>");
                break;
            case LinkInline { IsImage: true } image:
                b.Append(Inlines(image)).Append(" (").Append(Escape(image.Url ?? "")).Append(')');
                break;
            case LinkInline link when SafeUrl(link.Url):
                b.Append("<a href=\"").Append(Escape(link.Url!)).Append("\">").Append(Inlines(link)).Append("</a>");
                break;
            case LinkInline link:
                b.Append(Inlines(link));
                if (!string.IsNullOrEmpty(link.Url)) b.Append(" (").Append(Escape(link.Url)).Append(')');
                break;
            case EmphasisInline emphasis:
                var tag = emphasis.DelimiterChar == '~' ? "s" : emphasis.DelimiterCount >= 2 ? "b" : "i";
                b.Append('<').Append(tag).Append('>').Append(Inlines(emphasis)).Append("</").Append(tag).Append('>');
                break;
            case ContainerInline container:
                b.Append(Inlines(container));
                break;
            default:
                b.Append(Escape(inline.ToString() ?? ""));
                break;
        }
    }

    // Telegram refuses a message whose link it cannot parse; only absolute http(s), tg: and mailto: links become links.
    private static bool SafeUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "tg" or "mailto";

    private static string PlainInlines(ContainerInline container)
    {
        var b = new StringBuilder();
        foreach (var inline in container.Descendants<Inline>())
            switch (inline)
            {
                case LiteralInline l: b.Append(l.Content.ToString()); break;
                case CodeInline c: b.Append(c.Content); break;
            }
        return b.ToString();
    }
}
