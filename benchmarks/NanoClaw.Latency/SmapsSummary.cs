using System.Globalization;

namespace NanoClaw.Latency;

/// <summary>
/// Resident memory of a process summed by kind of mapping (<c>/proc/&lt;pid&gt;/smaps</c>), in the groups of
/// benchmarks/RESULTS.md "Idle RSS: where it goes": managed assemblies, the runtime's executable memory
/// (<c>memfd:doublemapper</c>), anonymous memory, native libraries, the rest.
/// </summary>
internal static class SmapsSummary
{
    public static IReadOnlyList<(string Kind, double Mb)> Of(int pid)
    {
        var kb = new Dictionary<string, long>();
        var kind = "other";
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            if (IsHeader(line)) { kind = KindOf(line); continue; }
            if (line.StartsWith("Rss:", StringComparison.Ordinal))
                kb[kind] = kb.GetValueOrDefault(kind) + long.Parse(line[4..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return kb.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value / 1024.0)).ToList();
    }

    // A header is "start-end perms offset dev inode [path]"; a field line is "Name:   value kB".
    private static bool IsHeader(string line)
    {
        var dash = line.IndexOf('-');
        var space = line.IndexOf(' ');
        return dash > 0 && space > dash && !line[..space].Contains(':');
    }

    private static string KindOf(string header)
    {
        var parts = header.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        var path = parts.Length > 5 ? parts[5].Trim() : "";
        if (path.Length == 0 || path == "[heap]") return "anonymous + [heap]";
        if (path.Contains("doublemapper", StringComparison.Ordinal)) return "memfd:doublemapper";
        if (path.StartsWith("[stack", StringComparison.Ordinal)) return "anonymous + [heap]";
        if (path.EndsWith(".dll", StringComparison.Ordinal)) return "managed assemblies";
        if (path.Contains(".so", StringComparison.Ordinal)) return "native libraries";
        return "other (" + path + ")";
    }
}
