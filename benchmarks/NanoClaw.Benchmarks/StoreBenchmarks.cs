using BenchmarkDotNet.Attributes;
using LanguageExt;
using Microsoft.Data.Sqlite;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Store;
using static LanguageExt.Prelude;

namespace NanoClaw.Benchmarks;

/// <summary>
/// The store on the inbound path: a real SQLite file in WAL mode (as the daemon opens it) holding 20 000 messages in
/// 50 chats. Storing one message (the daemon's path: one INSERT in its own implicit transaction; the chat row only when the foreign key refuses) and reading one chat's 20-message batch.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const int Chats = 50;
    private const int PerChat = 400;
    private string dir = "";
    private NanoClawStore store = null!;
    private string batchCursor = "";
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        dir = Directory.CreateTempSubdirectory("nanoclaw-bench-store-").FullName;
        store = NanoClawStore.Open(dir, "Andy", Serilog.Core.Logger.None);
        for (var c = 0; c < Chats; c++)
            for (var i = 0; i < PerChat; i++)
                store.Messages.Store(BenchData.Message(Chat(c), c * PerChat + i, $"message {i} of chat {c}: lunch at 12?") with { Id = $"seed-{c}-{i}" });
        // The cursor that leaves exactly the newest 20 messages of chat 7 as its batch.
        batchCursor = store.Messages.AllOfChat(Chat(7)).Reverse().Skip(20).First().Timestamp;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }

    private static string Chat(int c) => $"g{c}@g.us";

    /// <summary>One inbound message stored (a new id each call, so the table grows as it does in use).</summary>
    [Benchmark]
    public void Store_message()
    {
        var n = Interlocked.Increment(ref next);
        store.Messages.Store(BenchData.Message(Chat(n % Chats), Chats * PerChat + n, "@Andy what is on today?") with { Id = $"new-{n}" });
    }

    /// <summary>The agent's next batch for one chat: 20 messages after its cursor.</summary>
    [Benchmark]
    public int Read_batch_of_20() => store.Messages.BatchSince(Chat(7), batchCursor).Count;
}
