using Dapper;
using NanoClaw.Shell.Store;
using NanoClaw.Shell.Store.Repositories;
using Serilog.Core;
using static NanoClaw.Tests.Shell.Store.StoreTestSupport;

namespace NanoClaw.Tests.Shell.Store;

/// <summary>The queries run on every message and tick use an index instead of scanning the table (checked with SQLite's planner).</summary>
public sealed class QueryPlanTests
{
    private static string Plan(string sql, object args)
    {
        using var dir = new TempStoreDir();
        var store = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        using var c = OpenRaw(store.DatabasePath);
        return string.Join("\n", c.Query("EXPLAIN QUERY PLAN " + sql, args).Select(r => (string)((IDictionary<string, object>)r)["detail"]));
    }

    [Fact]
    public void A_chats_batch_uses_the_chat_and_timestamp_index()
    {
        var plan = Plan(MessageRepository.BatchSql, new { chatJid = "1@g.us", cursor = "" });
        Assert.Contains("USING INDEX idx_messages_chat_timestamp", plan);
    }

    [Fact]
    public void New_messages_across_chats_use_an_index()
    {
        // The chat list is one JSON array parameter (issue 16), as MessageRepository.NewMessages binds it.
        var plan = Plan(MessageRepository.NewMessagesSql, new { cursor = "2026-01-01T00:00:00.000Z", jids = "[\"1@g.us\",\"2@g.us\"]" });
        Assert.Contains("USING INDEX idx_messages_chat_timestamp", plan);
        Assert.DoesNotContain("SCAN messages\n", plan + "\n");
    }

    [Fact]
    public void A_stored_message_writes_only_the_indexes_the_reads_use()
    {
        // Every index on messages is one more b-tree page per stored message (issue 16): the primary key (the upsert's
        // conflict target) and the chat + timestamp index (batch and poll) are all the queries need.
        using var dir = new TempStoreDir();
        var store = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        using var c = OpenRaw(store.DatabasePath);
        var indexes = c.Query<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' ORDER BY name");
        Assert.Equal(["idx_messages_chat_timestamp", "sqlite_autoindex_messages_1"], indexes);
    }

    [Fact]
    public void Attachments_of_the_hot_reads_use_the_primary_key()
    {
        // The ids are one JSON array parameter (issue 16), as MessageRepository's hot reads bind them.
        var plan = Plan(MessageRepository.AttachmentsOfSql, new { ids = "[\"m1\",\"m2\"]" });
        Assert.Contains("USING INDEX", plan);
        Assert.DoesNotContain("SCAN attachments\n", plan + "\n");
    }

    [Fact]
    public void Due_tasks_use_the_status_and_next_run_index()
    {
        var plan = Plan(TaskRepository.DueSql, new { now = "2026-01-01T00:00:00.000Z" });
        Assert.Contains("idx_scheduled_tasks_status_next_run", plan);
    }
}
