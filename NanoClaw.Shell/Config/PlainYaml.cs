namespace NanoClaw.Shell.Config;

/// <summary>One key of a settings file and its value: a scalar (null text for an empty plain value), a section of keys, or a list.</summary>
internal sealed record YamlEntry(string Key, YamlEntryKind Kind, string? Value, bool Plain, IReadOnlyList<YamlEntry> Children);

internal enum YamlEntryKind { Scalar, Mapping, Sequence }

/// <summary>
/// Reads the common shape of a settings file without YamlDotNet: top-level <c>key: value</c> and <c>section:</c> lines,
/// one level of indented <c>key: value</c> lines under a section, comments and blank lines, and values that are
/// plain printable-ASCII words (no quotes, no flow or block indicators, no <c>": "</c> or <c>" #"</c> inside).
/// Anything else, including duplicate keys, returns false and the caller uses YamlDotNet, which also gives every
/// syntax error its line and column; so this only ever answers where YamlDotNet would answer the same (property
/// test <c>PlainYamlTests</c>). Why: YamlDotNet's first parse cost a CLI command ~44 ms of CPU (issue 16).
/// </summary>
internal static class PlainYaml
{
    public static bool TryRead(string text, out List<YamlEntry> entries)
    {
        entries = [];
        List<YamlEntry>? section = null; // the children of the last top-level key with an empty value
        var sectionIndent = -1;
        var topKeys = new HashSet<string>(StringComparer.Ordinal);
        HashSet<string>? sectionKeys = null;
        foreach (var line in text.Split('\n'))
        {
            var indent = 0;
            while (indent < line.Length && line[indent] == ' ') indent++;
            if (indent == line.Length) continue;
            if (line[indent] == '#')
            {
                if (!CommentIsPrintable(line)) return false; // YamlDotNet refuses control characters even in comments
                continue;
            }
            if (!TryKeyValue(line, indent, out var key, out var value)) return false;
            if (indent == 0)
            {
                if (!topKeys.Add(key)) return false;
                if (value is null)
                {
                    section = [];
                    sectionKeys = new HashSet<string>(StringComparer.Ordinal);
                    sectionIndent = -1;
                    entries.Add(new YamlEntry(key, YamlEntryKind.Mapping, null, true, section));
                }
                else
                {
                    section = null;
                    entries.Add(Scalar(key, value));
                }
                continue;
            }
            if (section is null || sectionKeys is null || value is null) return false; // deeper nesting: YamlDotNet
            if (sectionIndent < 0) sectionIndent = indent;
            else if (indent != sectionIndent) return false;
            if (!sectionKeys.Add(key)) return false;
            section.Add(Scalar(key, value));
        }
        // A section header with no keys under it is an empty plain scalar, as YamlDotNet reads it.
        for (var i = 0; i < entries.Count; i++)
            if (entries[i] is { Kind: YamlEntryKind.Mapping, Children.Count: 0 } empty)
                entries[i] = Scalar(empty.Key, "");
        return true;
    }

    private static bool CommentIsPrintable(string line)
    {
        foreach (var c in line)
            if (!(c is '\t' or (>= ' ' and <= '~') || (c >= '\u00a0' && c < '\ud800' && c is not '\u2028' and not '\u2029') || (c >= '\ue000' && c <= '\ufffd' && c != '\ufeff')))
                return false;
        return true;
    }

    private static YamlEntry Scalar(string key, string value) => new(key, YamlEntryKind.Scalar, value, true, []);

    /// <summary><c>key:</c> (value null) or <c>key: value</c>, each optionally followed by <c> # comment</c>.</summary>
    private static bool TryKeyValue(string line, int start, out string key, out string? value)
    {
        key = "";
        value = null;
        var i = start;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_')) i++;
        if (i == start || i == line.Length || line[i] != ':') return false;
        key = line[start..i];
        i++;
        if (i < line.Length && line[i] != ' ') return false; // "key:value" is one scalar in YAML, not a key
        while (i < line.Length && line[i] == ' ') i++;
        if (i == line.Length || line[i] == '#') return true; // "key:" or "key:  # comment"
        var end = line.Length;
        for (var j = i; j < line.Length; j++)
        {
            var c = line[j];
            if (c == ' ' && j + 1 < line.Length && line[j + 1] == '#') { end = j; break; } // a comment starts
            if (c < 0x20 || c > 0x7e) return false; // tabs, CR, non-ASCII (NEL, BOM, line separators…): YamlDotNet
            if (c is '#' or '\'' or '"' or '[' or ']' or '{' or '}' or ',' or '\\' or '`') return false;
            if (c == ':' && (j + 1 == line.Length || line[j + 1] == ' ')) return false; // a mapping indicator
        }
        var text = line[i..end].TrimEnd(' ');
        if (text.Length == 0 || "-?:&*!|>%@".Contains(text[0])) return false; // indicators YAML reads specially
        value = text;
        return true;
    }
}
