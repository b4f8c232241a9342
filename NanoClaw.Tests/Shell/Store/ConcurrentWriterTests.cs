using NanoClaw.Core.Domain;
using NanoClaw.Shell.Store;
using Serilog.Core;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Shell.Store.StoreTestSupport;

namespace NanoClaw.Tests.Shell.Store;

/// <summary>Several threads, each with its own store object and connections, write to one file at once.</summary>
public sealed class ConcurrentWriterTests
{
    [Fact]
    public void Concurrent_writers_do_not_fail_with_busy_errors_under_WAL()
    {
        using var dir = new TempStoreDir();
        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        const int writers = 8, perWriter = 150;
        var start = new Barrier(writers);

        var failures = new List<Exception>();
        var threads = Enumerable.Range(0, writers).Select(w => new Thread(() =>
        {
            try { Write(w); }
            catch (Exception e) { lock (failures) failures.Add(e); }
        })).ToList();
        void Write(int w)
        {
            var store = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None); // separate connections per writer
            start.SignalAndWait();
            for (var i = 0; i < perWriter; i++)
            {
                var ts = IsoTimestamp.From(DateTimeOffset.UnixEpoch.AddMilliseconds(w * 100000 + i));
                store.Messages.Store(new ChatMessage($"w{w}-{i}", $"{w % 3}@g.us", "s", "S", $"message {i}", ts, false, false, None));
                store.RouterState.SetLastAgentTimestamp($"{w}@g.us", ts);
                if (i % 10 == 0) store.Outbox.Enqueue($"{w}@g.us", "reply", DateTimeOffset.UnixEpoch);
            }
        }
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Empty(failures);
        Assert.Equal(writers * perWriter, Count(dir.DatabasePath, "messages"));
        Assert.Equal(writers * (perWriter / 10), Count(dir.DatabasePath, "outbox"));
        var reread = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        Assert.Equal(writers, reread.RouterState.LastAgentTimestamps().Count); // read-modify-write lost no chat
    }
}
