using System.Globalization;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Shell.Store.Repositories;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Dashboard;

/// <summary>
/// Finds the log file of a stored run: <c>logs/runs/&lt;folder&gt;/container-&lt;start&gt;.log</c> (host-only, never
/// mounted). The request names only a run id the store knows; the folder comes from the store and is validated, the
/// file is the one whose <c>Container:</c> line names the run, among those started closest to the run. Links and
/// non-regular files are never read.
/// </summary>
public static class RunLogLookup
{
    /// <summary>Largest log shown.</summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    private const int Candidates = 8;

    public static Option<string> Find(string runLogsDir, StoredRun run)
    {
        if (GroupFolder.ResolveUnder(runLogsDir, run.GroupFolder).Case is not string dir) return None;
        var info = new DirectoryInfo(dir);
        if (!info.Exists || info.LinkTarget is not null) return None;
        var started = IsoTimestamp.Parse(run.StartedAt).IfNone(DateTimeOffset.UnixEpoch);
        var marker = "Container: " + run.ContainerName;
        foreach (var file in info.EnumerateFiles("container-*.log")
                     .Select(f => (f, at: StartOf(f.Name)))
                     .Where(x => x.at.IsSome)
                     .OrderBy(x => Math.Abs((x.at.IfNone(DateTimeOffset.UnixEpoch) - started).TotalMilliseconds))
                     .Take(Candidates)
                     .Select(x => x.f))
        {
            if (file.LinkTarget is not null || (file.Attributes & FileAttributes.ReparsePoint) != 0 || file.Length > MaxBytes) continue;
            var text = File.ReadAllText(file.FullName);
            if (text.Split('\n').Take(10).Any(l => l.TrimEnd('\r') == marker)) return text;
        }
        return None;
    }

    private static Option<DateTimeOffset> StartOf(string name)
    {
        // container-2026-11-30T09-12-01-123Z.log (an optional -N suffix for a name taken twice)
        if (name.Length < "container-".Length + 24) return None;
        var stamp = name.Substring("container-".Length, 24);
        return DateTimeOffset.TryParseExact(stamp, "yyyy-MM-dd'T'HH-mm-ss-fff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? Some(at) : None;
    }
}
