using System.Globalization;
using System.Text;

namespace NanoClaw.Shell.Logging;

/// <summary>
/// Makes text from chats and agents safe to put in a log line: no string can end the line it is in and forge the
/// next one (F13), recolour a terminal, or hide text. C0 controls (tab, newline and CR included), DEL, C1 controls
/// (NEL U+0085 included) and the Unicode line and paragraph separators U+2028/U+2029 become visible escapes
/// (<c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\u001b</c>, …). Everything else is kept as it is.
/// </summary>
public static class LogText
{
    /// <summary>True for a character that must not appear raw in a log line.</summary>
    public static bool NeedsEscape(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';

    /// <summary>The text with every control character escaped; the same instance when there is none.</summary>
    public static string Escape(string text)
    {
        var first = IndexOfControl(text);
        if (first < 0) return text;
        var sb = new StringBuilder(text.Length + 16);
        sb.Append(text, 0, first);
        for (var i = first; i < text.Length; i++) Append(sb, text[i]);
        return sb.ToString();
    }

    /// <summary>
    /// Multi-line text that belongs in a log (an exception and its stack trace): other controls are escaped, and
    /// every line after the first is indented, so no line of it can pass for a log line of its own.
    /// </summary>
    public static string EscapeBlock(string text)
    {
        if (IndexOfControl(text) < 0) return text;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return string.Join("\n  ", lines.Select(Escape));
    }

    private static int IndexOfControl(string text)
    {
        for (var i = 0; i < text.Length; i++)
            if (NeedsEscape(text[i])) return i;
        return -1;
    }

    private static void Append(StringBuilder sb, char c)
    {
        switch (c)
        {
            case '\n': sb.Append("\\n"); break;
            case '\r': sb.Append("\\r"); break;
            case '\t': sb.Append("\\t"); break;
            default:
                if (NeedsEscape(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else sb.Append(c);
                break;
        }
    }
}
