namespace NanoClaw.Shell.Cli;

/// <summary>Plain aligned text tables for list commands.</summary>
internal static class Table
{
    public static string Format(string[] header, IEnumerable<string[]> rows, string whenEmpty)
    {
        var all = rows.ToList();
        if (all.Count == 0) return whenEmpty + Environment.NewLine;
        var widths = Enumerable.Range(0, header.Length)
            .Select(i => all.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))) + Environment.NewLine;
        return Line(header) + string.Concat(all.Select(Line));
    }
}
