using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NanoClaw.Core.Queue;
using NanoClaw.Core.Routing;
using NanoClaw.Shell.Store;

namespace NanoClaw.Benchmarks;

/// <summary>
/// The C# half of the side-by-side comparison with NanoClaw v1 (benchmarks/v1-side-by-side): the same workloads as
/// the BenchmarkDotNet suites (same seeds and sizes), timed the same way as the node half (time-bounded batches, the
/// median per operation), one JSON line per row. <c>dump-queue FILE</c> writes the seeded queue script for the node half.
/// </summary>
internal static class SideBySide
{
    private const int Chats = 50;
    private const int PerChat = 400;

    public static int Run(string[] args)
    {
        if (args.Length >= 2 && args[0] == "dump-queue")
        {
            File.WriteAllText(args[1], JsonSerializer.Serialize(QueueScripts.Mixed(QueueBenchmarks.Events, 200).Select(Encode)));
            return 0;
        }
        var only = args.Length > 0 ? args[0] : "";
        foreach (var (row, setup) in Rows())
            if (only.Length == 0 || row.Contains(only, StringComparison.Ordinal))
                Report(row, setup());
        return 0;
    }

    private static string[] Encode(QueueEvent e) => e switch
    {
        QueueEvent.MessagesArrived m => ["m", m.Group],
        QueueEvent.TaskDue t => ["t", t.Group, t.TaskId],
        QueueEvent.ContainerIdle i => ["i", i.Group],
        QueueEvent.ContainerExited x => ["x", x.Group, x.Outcome == RunOutcome.Success ? "s" : "f"],
        _ => throw new InvalidOperationException("not in the script: " + e),
    };

    private static IEnumerable<(string Row, Func<Func<int>> Setup)> Rows()
    {
        yield return ("format", () =>
        {
            var batch = BenchData.Batch("team@g.us", 20);
            return () => PromptFormatter.Format(batch, BenchData.Zone).Length;
        });
        yield return ("trigger", () =>
        {
            var trigger = new TriggerMatcher("Andy");
            return () => trigger.Matches("@Andy what is on today?") ? 1 : 0;
        });
        yield return ("store", () =>
        {
            var store = OpenStore("store", (c, i) => BenchData.Message(Chat(c), c * PerChat + i, $"message {i} of chat {c}: lunch at 12?") with { Id = $"seed-{c}-{i}" });
            var n = 0;
            return () =>
            {
                n++;
                store.Messages.Store(BenchData.Message(Chat(n % Chats), Chats * PerChat + n, "@Andy what is on today?") with { Id = $"new-{n}" });
                return n;
            };
        });
        yield return ("batch", () =>
        {
            var store = OpenStore("batch", (c, i) => BenchData.Message(Chat(c), c * PerChat + i, $"message {i} of chat {c}: lunch at 12?") with { Id = $"seed-{c}-{i}" });
            var cursor = BenchData.Message(Chat(7), 7 * PerChat + PerChat - 21, "").Timestamp;
            Expect(store.Messages.BatchSince(Chat(7), cursor).Count, 20);
            return () => store.Messages.BatchSince(Chat(7), cursor).Count;
        });
        foreach (var (row, offset, expected) in new[] { ("poll100", 101, 100), ("pollidle", 1, 0) })
            yield return (row, () =>
            {
                // Interleaved: message k goes to chat k mod 50 (PollBenchmarks).
                var store = OpenStore(row, (c, i) => { var k = i * Chats + c; return BenchData.Message(Chat(k % Chats), k, $"message {k}: lunch at 12?") with { Id = $"seed-{k}" }; });
                var jids = Enumerable.Range(0, Chats).Select(Chat).ToArray();
                var cursor = BenchData.Message(Chat(0), Chats * PerChat - offset, "").Timestamp;
                Expect(store.Messages.NewMessages(jids, cursor).Messages.Count, expected);
                return () => store.Messages.NewMessages(jids, cursor).Messages.Count;
            });
        yield return ("queuescript", () =>
        {
            var script = QueueScripts.Mixed(QueueBenchmarks.Events, 200);
            return () => QueueScripts.Run(QueueState.Initial(5), script).Commands;
        });
        yield return ("queueburst", () =>
        {
            var burst = QueueScripts.Mixed(QueueBenchmarks.Events, 200).Where(e => e is QueueEvent.MessagesArrived or QueueEvent.TaskDue).ToArray();
            return () => QueueScripts.BurstThenDrain(QueueState.Initial(5), burst).Commands;
        });
    }

    private static string Chat(int c) => $"g{c}@g.us";

    private static void Expect(int actual, int expected)
    {
        if (actual != expected) throw new InvalidOperationException($"setup: expected {expected} rows, got {actual}");
    }

    /// <summary>A fresh store file (the daemon's own open: WAL, its pragmas) seeded with 50 × 400 messages in time order.</summary>
    private static NanoClawStore OpenStore(string name, Func<int, int, NanoClaw.Core.Domain.ChatMessage> seed)
    {
        var dir = Directory.CreateTempSubdirectory($"nanoclaw-sbs-{name}-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { SqliteConnection.ClearAllPools(); try { Directory.Delete(dir, true); } catch (IOException) { } };
        var store = NanoClawStore.Open(dir, "Andy", Serilog.Core.Logger.None);
        for (var c = 0; c < Chats; c++)
            for (var i = 0; i < PerChat; i++)
                store.Messages.Store(seed(c, i));
        return store;
    }

    /// <summary>
    /// Warm-up batches for at least one second and 300 ms of CPU (so both runtimes have tiered up), then eleven measured
    /// ones; a batch repeats the operation until 50 ms have passed and the process has used 20 ms of CPU. Prints, per operation in nanoseconds, the median and best batch
    /// of the process's CPU time, the bytes allocated per operation (fewest of the batches) (getrusage: user + system, all threads; less sensitive to a loaded machine than the
    /// wall clock) and the median wall time. The node half measures the same way.
    /// </summary>
    private static void Report(string row, Func<int> op)
    {
        var cpu = new List<double>();
        var wall = new List<double>();
        var allocated = new List<double>();
        var sink = 0;
        var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        var warmCpuUntil = CpuMicroseconds() + WarmCpuMicroseconds;
        var measured = 0;
        while (measured < 11)
        {
            var warm = Stopwatch.GetTimestamp() < warmUntil || CpuMicroseconds() < warmCpuUntil;
            var ops = 0;
            var cpuStart = CpuMicroseconds();
            var bytesStart = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            long now;
            do
            {
                do
                {
                    sink += op();
                    ops++;
                    now = Stopwatch.GetTimestamp();
                } while (now - start < Stopwatch.Frequency / 20);
            } while (CpuMicroseconds() - cpuStart < BatchCpuMicroseconds);
            if (warm) continue;
            cpu.Add((CpuMicroseconds() - cpuStart) * 1e3 / ops);
            allocated.Add((GC.GetAllocatedBytesForCurrentThread() - bytesStart) / (double)ops);
            wall.Add((now - start) * 1e9 / Stopwatch.Frequency / ops);
            measured++;
        }
        cpu.Sort();
        wall.Sort();
        Console.WriteLine(JsonSerializer.Serialize(new { side = "csharp", row, cpu_ns = cpu[cpu.Count / 2], cpu_min_ns = cpu[0], wall_ns = wall[wall.Count / 2], bytes = allocated.Min(), sink }));
    }

    // On a loaded machine a second of wall time can be a few milliseconds of CPU: warm up and measure by CPU time too.
    private const long WarmCpuMicroseconds = 300_000;
    private const long BatchCpuMicroseconds = 20_000;

    /// <summary>User + system CPU time of the whole process, in microseconds (getrusage(RUSAGE_SELF)).</summary>
    private static long CpuMicroseconds()
    {
        Span<long> usage = stackalloc long[18];
        if (GetRUsage(0, ref usage[0]) != 0) throw new InvalidOperationException("getrusage failed");
        return usage[0] * 1_000_000 + usage[1] + usage[2] * 1_000_000 + usage[3];
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, ref long usage);
}
