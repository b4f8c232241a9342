using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using NanoClaw.Shell.Store;

namespace NanoClaw.Benchmarks;

/// <summary>
/// The store's multi-chat poll (the daemon's safety poll over every registered chat): a real SQLite file in WAL mode
/// holding 20 000 messages interleaved over 50 chats; the poll asks for all 50 chats after a cursor that leaves the
/// newest 100 messages (2 per chat), and after the newest message (nothing new: the idle case).
/// </summary>
[MemoryDiagnoser]
public class PollBenchmarks
{
    private const int Chats = 50;
    private const int Messages = 20_000;
    private string dir = "";
    private NanoClawStore store = null!;
    private string[] jids = [];
    private string cursor100 = "";
    private string newest = "";

    [GlobalSetup]
    public void Setup()
    {
        dir = Directory.CreateTempSubdirectory("nanoclaw-bench-poll-").FullName;
        store = NanoClawStore.Open(dir, "Andy", Serilog.Core.Logger.None);
        jids = [.. Enumerable.Range(0, Chats).Select(c => $"g{c}@g.us")];
        for (var k = 0; k < Messages; k++)
            store.Messages.Store(BenchData.Message(jids[k % Chats], k, $"message {k}: lunch at 12?") with { Id = $"seed-{k}" });
        cursor100 = BenchData.Message(jids[0], Messages - 101, "").Timestamp;
        newest = BenchData.Message(jids[0], Messages - 1, "").Timestamp;
        if (store.Messages.NewMessages(jids, cursor100).Messages.Count != 100) throw new InvalidOperationException("setup: expected 100 new rows");
        if (!store.Messages.NewMessages(jids, newest).Messages.IsEmpty) throw new InvalidOperationException("setup: expected nothing new");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>New messages across 50 chats: 100 rows.</summary>
    [Benchmark]
    public int Poll_50_chats_100_new() => store.Messages.NewMessages(jids, cursor100).Messages.Count;

    /// <summary>The same poll when nothing is new (the idle safety poll).</summary>
    [Benchmark]
    public int Poll_50_chats_nothing_new() => store.Messages.NewMessages(jids, newest).Messages.Count;
}
