using System.Globalization;
using System.Text.Json;
using NanoClaw.Latency;

// Latency harness (SPEC §13): starts the real daemon with the fake runtime, measures each path, samples the idle
// daemon, prints a table and, as the last line, one JSON object. benchmarks/latency.sh builds and runs it.
var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: NanoClaw.Latency --daemon <nanoclaw.dll> --fake-runtime <fake-runtime> [--samples 200] [--warmup 10] [--idle-seconds 60] [--task-lead-ms 500] [--csv raw.csv] [--keep]");
    return 2;
}

var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
Console.WriteLine($"Starting the daemon ({options.Daemon}) with the fake runtime; {options.Samples} samples per path; load average {loadBefore}");
await using var daemon = await DaemonUnderTest.StartAsync(options.Daemon, options.FakeRuntime, ["tasks"]);
Console.WriteLine($"  project dir {daemon.Root}, daemon pid {daemon.Pid}");
var exitCode = 0;
try
{
    await using var chat = await ChatSession.ConnectAsync(daemon.SocketPath);
    var m = new Measurements(daemon, chat, Console.Out);
    Console.WriteLine("Measuring inbound → launch and follow-up → input file");
    await m.ChatPathsAsync(options.Samples, options.Warmup);
    Console.WriteLine("Measuring IPC file → delivered");
    await m.IpcPathAsync(options.Samples, options.Warmup);
    Console.WriteLine("Measuring task due → launch");
    await m.TaskPathAsync(options.Samples, options.Warmup, TimeSpan.FromMilliseconds(options.TaskLeadMs));

    if (options.Csv is { } csv)
        await File.WriteAllLinesAsync(csv, m.Raw.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Path},{r.FromMs:0.000},{r.ToMs:0.000},{r.ToMs - r.FromMs:0.000},{r.Container}"))
            .Prepend("path,from_ms,to_ms,latency_ms,container"));

    Console.WriteLine($"Sampling the idle daemon for {options.IdleSeconds} s (after a 5 s settle)");
    await Task.Delay(TimeSpan.FromSeconds(5));
    var idle = await IdleSampler.SampleAsync(daemon.Pid, TimeSpan.FromSeconds(options.IdleSeconds));
    var loadAfter = File.ReadAllText("/proc/loadavg").Trim();
    var smaps = SmapsSummary.Of(daemon.Pid);

    var paths = new[]
    {
        PathStats.Of("inbound_to_launch", "inbound message → container started", m.InboundToLaunch, 20),
        PathStats.Of("followup_to_input_file", "follow-up → input file written", m.FollowUpToInputFile, 20),
        PathStats.Of("followup_to_agent_read", "  (info) follow-up → fake agent read it", m.FollowUpToInputSeenByAgent, double.PositiveInfinity),
        PathStats.Of("ipc_to_delivered", "agent IPC file → reply in the chat", m.IpcToDelivered, 50),
        PathStats.Of("task_due_to_launch", "task due time → container started", m.TaskDueToLaunch, 1000),
    };
    Console.WriteLine();
    Console.WriteLine($"{"path",-42} {"n",5} {"p50",8} {"p90",8} {"p99",8} {"max",8} {"target p99",11}  met");
    foreach (var p in paths)
        Console.WriteLine($"{p.Title,-42} {p.Count,5} {p.P50,8:0.00} {p.P90,8:0.00} {p.P99,8:0.00} {p.Max,8:0.00} {(double.IsInfinity(p.TargetP99) ? "-" : $"< {p.TargetP99:0} ms"),11}  {(double.IsInfinity(p.TargetP99) ? "" : p.Met ? "yes" : "NO")}");
    Console.WriteLine($"{"idle daemon CPU",-42} {idle.CpuPercent,8:0.000} %  over {idle.Seconds:0} s (target < 1 %)  {(idle.CpuPercent < 1 ? "yes" : "NO")}");
    Console.WriteLine($"{"idle daemon RSS",-42} {idle.RssMeanMb,8:0.0} MB mean, {idle.RssMaxMb:0.0} MB max, {idle.Threads} threads");
    Console.WriteLine($"{"idle daemon RSS by mapping",-42} " + string.Join(", ", smaps.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Kind} {k.Mb:0.0}"))));
    Console.WriteLine($"load average before {loadBefore}; after {loadAfter}; {Environment.ProcessorCount} cores");
    Console.WriteLine();

    var summary = new Dictionary<string, object>();
    foreach (var p in paths)
        summary[p.Key + "_ms"] = new Dictionary<string, double> { ["p50"] = Round(p.P50), ["p99"] = Round(p.P99), ["max"] = Round(p.Max), ["n"] = p.Count };
    summary["idle_cpu_percent"] = Math.Round(idle.CpuPercent, 3);
    summary["idle_rss_mb"] = Math.Round(idle.RssMeanMb, 1);
    summary["idle_rss_by_mapping_mb"] = smaps.ToDictionary(k => k.Kind, k => Math.Round(k.Mb, 1));
    summary["idle_threads"] = idle.Threads;
    summary["load_average"] = loadAfter.Split(' ')[0];
    summary["all_targets_met"] = paths.All(p => double.IsInfinity(p.TargetP99) || p.Met) && idle.CpuPercent < 1;
    Console.WriteLine(JsonSerializer.Serialize(summary));
}
catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException)
{
    Console.Error.WriteLine($"latency harness failed: {e.Message}; daemon log in {daemon.Root}/logs");
    foreach (var line in TailOf(daemon)) Console.Error.WriteLine("  | " + line);
    exitCode = 1;
    options = options with { Keep = true };
}
finally
{
    if (!options.Keep) TryDelete(daemon.Root);
}
return exitCode;

static double Round(double x) => double.IsNaN(x) ? -1 : Math.Round(x, 2);

static IEnumerable<string> TailOf(DaemonUnderTest daemon)
{
    var path = Path.Combine(daemon.Root, "logs", "nanoclaw.log");
    return File.Exists(path) ? File.ReadLines(path).TakeLast(20) : [];
}

static void TryDelete(string dir)
{
    try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
}

internal sealed record Options(string Daemon, string FakeRuntime, int Samples, int Warmup, int IdleSeconds, int TaskLeadMs, bool Keep, string? Csv)
{
    public static Options? Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--keep") { keep = true; continue; }
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) return null;
            map[args[i][2..]] = args[++i];
        }
        if (!map.TryGetValue("daemon", out var daemon) || !map.TryGetValue("fake-runtime", out var fake)) return null;
        int Int(string key, int fallback) => map.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Options(Path.GetFullPath(daemon), Path.GetFullPath(fake), Int("samples", 200), Int("warmup", 10), Int("idle-seconds", 60),
            Int("task-lead-ms", 500), keep, map.TryGetValue("csv", out var csv) ? Path.GetFullPath(csv) : null);
    }
}
