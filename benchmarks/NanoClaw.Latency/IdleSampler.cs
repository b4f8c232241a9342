using System.Globalization;
using System.Runtime.InteropServices;

namespace NanoClaw.Latency;

/// <summary>CPU and resident memory of an idle process from <c>/proc/&lt;pid&gt;/stat</c> and <c>status</c>.</summary>
internal static class IdleSampler
{
    public sealed record IdleFigures(double CpuPercent, double RssMeanMb, double RssMaxMb, int Threads, double Seconds);

    [DllImport("libc")]
    private static extern long sysconf(int name);

    private const int ClockTicksPerSecond = 2; // _SC_CLK_TCK

    public static async Task<IdleFigures> SampleAsync(int pid, TimeSpan duration)
    {
        var ticksPerSecond = sysconf(ClockTicksPerSecond) is > 0 and var t ? t : 100;
        var startTicks = CpuTicks(pid);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var rss = new List<double>();
        while (started.Elapsed < duration)
        {
            rss.Add(StatusKb(pid, "VmRSS:") / 1024.0);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        var seconds = started.Elapsed.TotalSeconds;
        var cpu = (CpuTicks(pid) - startTicks) / (double)ticksPerSecond / seconds * 100;
        return new IdleFigures(cpu, rss.Average(), rss.Max(), (int)StatusKb(pid, "Threads:"), seconds);
    }

    /// <summary>utime + stime (fields 14 and 15), read after the command name, which may contain spaces.</summary>
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static long StatusKb(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }
}
