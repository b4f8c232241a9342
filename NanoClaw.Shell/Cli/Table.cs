using System.Text;

namespace NanoClaw.Shell.Cli;

/// <summary>Plain aligned text tables for list commands.</summary>
internal static class Table
{
    // Plain loops rather than LINQ over int: those generic instantiations were JIT-compiled at every list command (issue 16).
    public static string Format(string[] header, IEnumerable<string[]> rows, string whenEmpty)
    {
        var all = rows.ToList();
        if (all.Count == 0) return whenEmpty + Environment.NewLine;
        var widths = new int[header.Length];
        for (var i = 0; i < header.Length; i++)
        {
            widths[i] = header[i].Length;
            foreach (var row in all) widths[i] = Math.Max(widths[i], row[i].Length);
        }
        var text = new StringBuilder();
        void Line(string[] cells)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                if (i > 0) text.Append("  ");
                text.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i]));
            }
            text.Append(Environment.NewLine);
        }
        Line(header);
        foreach (var row in all) Line(row);
        return text.ToString();
    }
}
