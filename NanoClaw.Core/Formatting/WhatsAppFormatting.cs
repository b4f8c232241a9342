using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using NanoClaw.Core.Config;

namespace NanoClaw.Core.Formatting;

/// <summary>
/// Converts the Markdown Claude writes into WhatsApp's own formatting: <c>*bold*</c>, <c>_italic_</c>, <c>~strike~</c>,
/// <c>```monospace```</c>, <c>- </c>/<c>1. </c> lists, <c>&gt; </c> quotes; headings become bold lines, links
/// <c>text (url)</c>, tables a padded monospace block. Literal <c>* _ ~ `</c> that WhatsApp would read as formatting
/// are neutralised with zero-width spaces. Pure and total: any string gives a string. See README.md beside this file.
/// </summary>
public static class WhatsAppFormatting
{
    /// <summary>The invisible character put around a literal formatting marker so WhatsApp does not pair it.</summary>
    public const char Neutraliser = '\u200B';

    private const string Fence = "```";

    /// <summary>The Markdown dialect read: CommonMark plus pipe tables, <c>~~strike~~</c> and bare URLs.</summary>
    public static MarkdownPipeline Pipeline { get; } = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras(Markdig.Extensions.EmphasisExtras.EmphasisExtraOptions.Strikethrough)
        .UseAutoLinks()
        .Build();

    /// <summary>Converts Markdown to WhatsApp text. Plain text without Markdown syntax comes back unchanged.</summary>
    public static string Convert(string? markdown)
    {
        if (string.IsNullOrEmpty(markdown)) return "";
        var document = Markdown.Parse(markdown, Pipeline);
        var blocks = new List<string>();
        foreach (var block in document) Block(block, blocks, 0);
        // Literal markers were rendered as placeholders; now that their neighbours are known, each is decided.
        return Neutralise(string.Join("\n\n", blocks.Where(b => b.Length > 0)));
    }

    /// <summary>
    /// Converts outbound agent text that may carry the assistant's <c>Name: </c> prefix
    /// (<see cref="Routing.OutboundRules.Prefix"/>): the prefix is kept as it is and only the rest is converted, so the
    /// first line's Markdown (a heading, a list) is still read as such and bot-message detection still sees the prefix.
    /// </summary>
    public static string ConvertOutbound(string text, AssistantOptions assistant)
    {
        var prefix = assistant.Name + ": ";
        return !assistant.HasOwnNumber && text.StartsWith(prefix, StringComparison.Ordinal)
            ? prefix + Convert(text[prefix.Length..])
            : Convert(text);
    }

    // ---- blocks ---------------------------------------------------------------------------------

    private static void Block(Block block, List<string> output, int depth)
    {
        switch (block)
        {
            case HeadingBlock heading:
                output.Add(Wrap('*', Inlines(heading.Inline, plain: true)));
                break;
            case ParagraphBlock paragraph:
                output.Add(Inlines(paragraph.Inline, plain: false));
                break;
            case Markdig.Syntax.CodeBlock codeBlock:
                output.Add(Monospace(codeBlock.Lines.ToString()));
                break;
            case ListBlock list:
                output.Add(List(list, depth));
                break;
            case QuoteBlock quote:
                var inner = new List<string>();
                foreach (var child in quote) Block(child, inner, depth);
                output.Add(string.Join("\n", string.Join("\n\n", inner).Split('\n').Select(line => "> " + line)));
                break;
            case Table table:
                output.Add(TableBlock(table));
                break;
            case ThematicBreakBlock:
                output.Add("───");
                break;
            case HtmlBlock html:
                output.Add(Literal(html.Lines.ToString()));
                break;
            case LinkReferenceDefinitionGroup:
                break; // definitions are not shown; the links that use them carry their URL
            case ContainerBlock container:
                foreach (var child in container) Block(child, output, depth);
                break;
            case LeafBlock other:
                output.Add(other.Inline is null ? Literal(other.Lines.ToString()) : Inlines(other.Inline, plain: false));
                break;
        }
    }

    private static string List(ListBlock list, int depth)
    {
        var lines = new List<string>();
        var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
        var indent = new string(' ', depth * 3);
        foreach (var item in list.OfType<ListItemBlock>())
        {
            var marker = list.IsOrdered ? $"{number++}. " : "- ";
            // Continuation lines of an item line up under its text.
            var hang = "\n" + indent + new string(' ', marker.Length);
            var parts = new List<string>();
            foreach (var child in item)
            {
                if (child is ListBlock nested)
                {
                    parts.Add(List(nested, depth + 1));
                    continue;
                }
                var inner = new List<string>();
                Block(child, inner, depth + 1);
                parts.AddRange(inner.Where(t => t.Length > 0).Select(t => (parts.Count == 0 ? "" : hang[1..]) + t.Replace("\n", hang, StringComparison.Ordinal)));
            }
            lines.Add(parts.Count == 0 || item[0] is ListBlock
                ? indent + marker.TrimEnd() + (parts.Count == 0 ? "" : "\n" + string.Join("\n", parts))
                : indent + marker + string.Join("\n", parts));
        }
        return string.Join("\n", lines);
    }

    private static string Monospace(string code) => Fence + "\n" + BreakFences(code.TrimEnd('\n')) + "\n" + Fence;

    private static string TableBlock(Table table)
    {
        var rows = table.OfType<TableRow>()
            .Select(row => row.OfType<TableCell>()
                .Select(cell => string.Join(" ", cell.OfType<LeafBlock>().Select(b => b.Inline is null ? b.Lines.ToString() : Inlines(b.Inline, plain: true, code: true))))
                .ToList())
            .ToList();
        var columns = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
        var lines = new List<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            lines.Add(string.Join(" | ", Enumerable.Range(0, columns).Select(c => (c < rows[i].Count ? rows[i][c] : "").PadRight(widths[c]))).TrimEnd());
            if (i == 0 && table.OfType<TableRow>().First().IsHeader)
                lines.Add(string.Join("-+-", widths.Select(w => new string('-', Math.Max(w, 1)))));
        }
        return Monospace(string.Join("\n", lines));
    }

    // ---- inlines --------------------------------------------------------------------------------

    // plain: inside a heading (no nested markers, the heading's bold is the only formatting); code: inside a
    // monospace block, where WhatsApp formats nothing and nothing needs neutralising.
    private static string Inlines(ContainerInline? container, bool plain, bool code = false)
    {
        if (container is null) return "";
        var text = new StringBuilder();
        foreach (var inline in container) Inline(inline, text, plain, code);
        return text.ToString();
    }

    private static void Inline(Inline inline, StringBuilder text, bool plain, bool code)
    {
        switch (inline)
        {
            case LiteralInline literal:
                text.Append(code ? literal.Content.ToString() : Literal(literal.Content.ToString()));
                break;
            case CodeInline span:
                text.Append(code ? span.Content : Fence + BreakFences(span.Content) + Fence);
                break;
            case EmphasisInline emphasis:
                var inner = Inlines(emphasis, plain, code);
                text.Append(plain || code ? inner : Emphasis(emphasis, inner));
                break;
            case AutolinkInline auto:
                text.Append(auto.Url);
                break;
            case LinkInline link:
                Link(link, text, plain, code);
                break;
            case LineBreakInline:
                text.Append('\n');
                break;
            case HtmlEntityInline entity:
                text.Append(code ? entity.Transcoded.ToString() : Literal(entity.Transcoded.ToString()));
                break;
            case HtmlInline html:
                text.Append(code ? html.Tag : Literal(html.Tag));
                break;
            case ContainerInline container:
                text.Append(Inlines(container, plain, code));
                break;
        }
    }

    private static void Link(LinkInline link, StringBuilder text, bool plain, bool code)
    {
        var label = Inlines(link, plain, code);
        var url = link.Url ?? "";
        // A bare URL (or a link whose text is its URL) is sent once: WhatsApp makes it clickable itself.
        if (link.IsAutoLink || url.Length == 0 || Strip(label) == url || Strip(label) == "mailto:" + url)
            text.Append(url.Length == 0 ? label : Strip(label) == url ? url : label);
        else if (label.Length == 0)
            text.Append(url);
        else
            text.Append(label).Append(" (").Append(url).Append(')');
    }

    private static string Strip(string text) => Unplace(text);

    private static string Emphasis(EmphasisInline emphasis, string inner)
    {
        if (inner.Trim().Length == 0) return inner;
        return (emphasis.DelimiterChar, emphasis.DelimiterCount) switch
        {
            ('~', _) => Wrap('~', inner),
            (_, 1) => Wrap('_', inner),
            (_, 2) => Wrap('*', inner),
            _ => Wrap('*', Wrap('_', inner)),
        };
    }

    // WhatsApp only formats when the markers touch the text; spaces at the edges move outside them.
    private static string Wrap(char marker, string inner)
    {
        var core = inner.Trim();
        if (core.Length == 0) return inner;
        var lead = inner[..inner.IndexOf(core, StringComparison.Ordinal)];
        var trail = inner[(lead.Length + core.Length)..];
        return lead + marker + core + marker + trail;
    }

    // ---- neutralising ---------------------------------------------------------------------------

    // Literal text's markers travel as private-use placeholders until the whole message is rendered, because whether
    // one needs neutralising depends on its neighbours, which may come from another inline (an escape splits a literal).
    private const string Markers = "*_~`";
    private const string Placeholders = "\uE02A\uE05F\uE07E\uE060";

    private static string Literal(string text)
    {
        if (text.IndexOfAny(['*', '_', '~', '`']) < 0) return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (Markers.IndexOf(chars[i]) is var m and >= 0) chars[i] = Placeholders[m];
        return new string(chars);
    }

    private static string Unplace(string text)
    {
        if (text.IndexOfAny(Placeholders.ToCharArray()) < 0) return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (Placeholders.IndexOf(chars[i]) is var m and >= 0) chars[i] = Markers[m];
        return new string(chars);
    }

    /// <summary>
    /// Turns every placeholder back into its marker, putting <see cref="Neutraliser"/> on both sides of those WhatsApp
    /// could read as an opening or closing marker: not one between two letters or digits (<c>snake_case</c>: WhatsApp
    /// never formats inside a word), nor one with white space or the edge on both sides (<c>2 * 3</c>: it can neither
    /// open nor close). A side that already has a neutraliser does not get a second one.
    /// </summary>
    private static string Neutralise(string text)
    {
        if (text.IndexOfAny(Placeholders.ToCharArray()) < 0) return text;
        var result = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var m = Placeholders.IndexOf(text[i]);
            if (m < 0)
            {
                result.Append(text[i]);
                continue;
            }
            var marker = Markers[m];
            if (InsideWord(text, i) || BetweenSpaces(text, i))
            {
                result.Append(marker);
                continue;
            }
            if (result.Length == 0 || result[^1] != Neutraliser) result.Append(Neutraliser);
            result.Append(marker);
            if (i + 1 >= text.Length || text[i + 1] != Neutraliser) result.Append(Neutraliser);
        }
        return result.ToString();
    }

    // A marker with white space (or the text's edge) on both sides can neither open nor close: "2 * 3".
    private static bool BetweenSpaces(string text, int i) =>
        (i == 0 || char.IsWhiteSpace(text[i - 1])) && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]));

    private static bool InsideWord(string text, int i) =>
        i > 0 && i + 1 < text.Length && char.IsLetterOrDigit(text[i - 1]) && char.IsLetterOrDigit(text[i + 1]);

    // Inside monospace only a ``` run would end the block early; a zero-width space between the backticks breaks it.
    private static string BreakFences(string code) =>
        code.Contains(Fence, StringComparison.Ordinal) ? code.Replace("``", "`" + Neutraliser + "`", StringComparison.Ordinal) : code;
}
