using System.Collections.Immutable;
using System.Text;

namespace NanoClaw.Core.Formatting;

public static partial class TelegramFormatting
{
    /// <summary>
    /// Splits Telegram HTML (as <see cref="ToHtml"/> writes it) into parts of at most <paramref name="limit"/> visible
    /// characters: at the last paragraph break (<c>\n\n</c>) that fits, else the last line break, else the last space,
    /// else where the part is full (a word longer than a message, or one that would not fit a message of its own
    /// either). Never inside a tag, an entity or a surrogate pair. Tags open at a cut are closed at the end of the part
    /// and opened again at the start of the next, so each part is balanced on its own. The parts' visible texts,
    /// concatenated, are the input's visible text: whitespace at a cut stays at the end of the earlier part.
    /// </summary>
    /// <param name="html">Telegram HTML from this class.</param>
    /// <param name="limit">Most visible characters per part (at least 2, so a surrogate pair always fits).</param>
    public static IReadOnlyList<string> Split(string html, int limit = MaxMessageLength)
    {
        if (limit < 2) throw new ArgumentOutOfRangeException(nameof(limit), "a message holds at least two characters");
        var tokens = Tokens(html).ToList();
        // open[i]: the tags open before token i, outermost first.
        var open = new ImmutableStack<(string Name, string Tag)>[tokens.Count + 1];
        var stack = ImmutableStack<(string Name, string Tag)>.Empty;
        for (var i = 0; i < tokens.Count; i++)
        {
            open[i] = stack;
            if (tokens[i].OpensTag is { } name) stack = stack.Push((name, tokens[i].Text));
            else if (tokens[i].ClosesTag && !stack.IsEmpty) stack = stack.Pop();
        }
        open[tokens.Count] = stack;

        var parts = new List<string>();
        var start = 0;
        while (start < tokens.Count)
        {
            var end = CutAfter(tokens, start, limit);
            var part = new StringBuilder();
            foreach (var (_, tag) in open[start].Reverse()) part.Append(tag);
            for (var i = start; i < end; i++) part.Append(tokens[i].Text);
            foreach (var (name, _) in open[end]) part.Append("</").Append(name).Append('>');
            parts.Add(part.ToString());
            start = end;
        }
        return parts;
    }

    // The end (exclusive) of the part starting at token `start`.
    private static int CutAfter(List<Token> tokens, int start, int limit)
    {
        var visible = 0;
        var over = start;
        while (over < tokens.Count && visible + tokens[over].Visible <= limit)
        {
            visible += tokens[over].Visible;
            over++;
        }
        if (over == tokens.Count) return over;
        int paragraph = -1, line = -1, space = -1;
        for (var e = over; e > start; e--)
        {
            var text = tokens[e - 1].Text;
            if (text == "\n")
            {
                if (paragraph < 0 && PreviousVisible(tokens, e - 1, start) == "\n") paragraph = e;
                if (line < 0) line = e;
            }
            else if (space < 0 && text is " " or "\t") space = e;
            if (paragraph >= 0) break;
        }
        var end = paragraph >= 0 ? paragraph
            : line >= 0 ? line
            // A word that would not fit a message of its own is cut where this one is full instead.
            : space >= 0 && WordLength(tokens, space) <= limit ? space
            : over;
        if (end <= start) end = over;
        // Tags opened just before the cut belong to the next part; tags closed just after it, to this one.
        while (end - 1 > start && tokens[end - 1].OpensTag is not null) end--;
        while (end < tokens.Count && tokens[end].ClosesTag) end++;
        return end;
    }

    // The text of the visible token before index i (tags skipped), or null.
    private static string? PreviousVisible(List<Token> tokens, int i, int start)
    {
        for (var j = i - 1; j >= start; j--)
            if (tokens[j].Visible > 0) return tokens[j].Text;
        return null;
    }

    // Visible length of the run of non-whitespace starting at token i.
    private static int WordLength(List<Token> tokens, int i)
    {
        var length = 0;
        for (; i < tokens.Count; i++)
        {
            if (tokens[i].Visible == 0) continue;
            if (tokens[i].Text is " " or "\t" or "\n") break;
            length += tokens[i].Visible;
        }
        return length;
    }
}
