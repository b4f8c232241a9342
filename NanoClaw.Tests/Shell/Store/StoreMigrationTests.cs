using Dapper;
using NanoClaw.Shell.Store;
using Serilog.Core;
using static NanoClaw.Tests.Shell.Store.StoreTestSupport;

namespace NanoClaw.Tests.Shell.Store;

/// <summary>Migrations on real SQLite files: empty, and every NanoClaw schema stage the fixtures describe.</summary>
public sealed class StoreMigrationTests
{
    private static readonly Dictionary<string, string[]> FinalColumns = new()
    {
        ["chats"] = ["jid", "name", "last_message_time", "channel", "is_group"],
        ["messages"] = ["id", "chat_jid", "sender", "sender_name", "content", "timestamp", "is_from_me", "is_bot_message",
            "reply_to_message_id", "reply_to_message_content", "reply_to_sender_name"],
        ["scheduled_tasks"] = ["id", "group_folder", "chat_jid", "prompt", "schedule_type", "schedule_value", "context_mode", "script",
            "next_run", "last_run", "last_result", "status", "created_at"],
        ["task_run_logs"] = ["id", "task_id", "run_at", "duration_ms", "status", "result", "error"],
        ["router_state"] = ["key", "value"],
        ["sessions"] = ["group_folder", "session_id"],
        ["registered_groups"] = ["jid", "name", "folder", "trigger_pattern", "added_at", "container_config", "requires_trigger", "is_main"],
        ["outbox"] = ["id", "chat_jid", "text", "created_at", "attempts", "last_error", "sent_at"],
        ["attachments"] = ["message_id", "chat_jid", "position", "kind", "mime", "size", "path", "status", "caption", "original_name", "transcript"],
    };

    private static void AssertFinalSchema(string path)
    {
        foreach (var (table, columns) in FinalColumns)
            Assert.Superset(columns.ToHashSet(), Columns(path, table).ToHashSet());
        using var c = OpenRaw(path);
        var indexes = c.Query<string>("SELECT name FROM sqlite_master WHERE type = 'index'").ToHashSet();
        Assert.Contains("idx_messages_chat_timestamp", indexes);
        Assert.Contains("idx_scheduled_tasks_status_next_run", indexes);
        // NanoClaw's timestamp index is gone (V10), from a migrated legacy store too: no query here reads it.
        Assert.DoesNotContain("idx_timestamp", indexes);
        Assert.Equal("wal", c.ExecuteScalar<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public void An_empty_file_becomes_the_full_schema()
    {
        using var dir = new TempStoreDir();
        Directory.CreateDirectory(dir.StoreDir);
        File.WriteAllBytes(dir.DatabasePath, []);

        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);

        AssertFinalSchema(dir.DatabasePath);
        using var c = OpenRaw(dir.DatabasePath);
        Assert.Equal(["V1__nanoclaw_schema.sql", "V2__hot_query_indexes.sql", "V3__outbox.sql", "V4__attachments.sql", "V5__usage.sql", "V6__outbox_files.sql", "V7__addresses_assistant.sql", "V8__proxy_usage.sql", "V9__outbox_given_up.sql", "V10__drop_timestamp_index.sql"],
            c.Query<string>($"SELECT name FROM {StoreMigrator.MetadataTable} WHERE name LIKE 'V%' AND success = 1 ORDER BY id"));
    }

    [Fact]
    public void A_missing_store_directory_is_created()
    {
        using var dir = new TempStoreDir();
        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        AssertFinalSchema(dir.DatabasePath);
    }

    [Theory]
    [InlineData("oldest.sql")]
    [InlineData("middle.sql")]
    [InlineData("newest.sql")]
    public void Every_legacy_stage_keeps_every_row_and_value(string fixture)
    {
        using var dir = new TempStoreDir();
        dir.CreateLegacyDatabase(fixture);
        var before = LegacyTables(dir.DatabasePath).ToDictionary(
            t => t,
            t => (Columns: Columns(dir.DatabasePath, t), Rows: Rows(dir.DatabasePath, t, Columns(dir.DatabasePath, t))));
        Assert.True(before.Values.Sum(t => t.Rows.Count) > 5, "fixture should hold rows");

        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);

        AssertFinalSchema(dir.DatabasePath);
        foreach (var (table, (columns, rows)) in before)
            Assert.Equal(rows, Rows(dir.DatabasePath, table, columns)); // same rows, same values in the columns they had
    }

    [Fact]
    public void Oldest_stage_gets_NanoClaws_backfills()
    {
        using var dir = new TempStoreDir();
        dir.CreateLegacyDatabase("oldest.sql");

        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);

        using var c = OpenRaw(dir.DatabasePath);
        var bot = c.Query<string>("SELECT id FROM messages WHERE is_bot_message = 1 ORDER BY id").ToList();
        Assert.Equal(["m2"], bot); // 'Andy: …' only; 'andy: …' (other case) and others stay human
        Assert.Equal(0L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM messages WHERE is_bot_message IS NULL"));

        var chats = c.Query<(string Jid, string? Channel, long IsGroup)>("SELECT jid, channel, is_group FROM chats")
            .ToDictionary(r => r.Jid, r => (r.Channel, r.IsGroup));
        Assert.Equal(("whatsapp", 1L), chats["120363001@g.us"]);
        Assert.Equal(("whatsapp", 0L), chats["15551234567@s.whatsapp.net"]);
        Assert.Equal(((string?)null, 0L), chats["tg:42"]);

        Assert.Equal(["isolated", "isolated"], c.Query<string>("SELECT context_mode FROM scheduled_tasks ORDER BY id"));
        Assert.Equal(0L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM scheduled_tasks WHERE script IS NOT NULL"));
    }

    [Fact]
    public void Middle_stage_marks_the_main_folder_and_keeps_triggers_required()
    {
        using var dir = new TempStoreDir();
        dir.CreateLegacyDatabase("middle.sql");

        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);

        using var c = OpenRaw(dir.DatabasePath);
        var groups = c.Query<(string Folder, long IsMain, long RequiresTrigger)>("SELECT folder, is_main, requires_trigger FROM registered_groups")
            .ToDictionary(r => r.Folder, r => (r.IsMain, r.RequiresTrigger));
        Assert.Equal((1L, 1L), groups["main"]);
        Assert.Equal((0L, 1L), groups["family"]);
    }

    [Fact]
    public void Backfills_run_only_when_their_column_is_added()
    {
        // Newest stage: is_main already present and deliberately 0 for a group in folder 'main' must stay 0;
        // a bot-looking human message with is_bot_message = 0 must stay 0.
        using var dir = new TempStoreDir();
        dir.CreateLegacyDatabase("newest.sql");
        using (var c = OpenRaw(dir.DatabasePath))
        {
            c.Execute("UPDATE registered_groups SET is_main = 0 WHERE folder = 'main'");
            c.Execute("UPDATE messages SET is_bot_message = 0 WHERE id = 'n3'");
        }

        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);

        using var after = OpenRaw(dir.DatabasePath);
        Assert.Equal(0L, after.ExecuteScalar<long>("SELECT is_main FROM registered_groups WHERE folder = 'main'"));
        Assert.Equal(0L, after.ExecuteScalar<long>("SELECT is_bot_message FROM messages WHERE id = 'n3'"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("oldest.sql")]
    [InlineData("middle.sql")]
    [InlineData("newest.sql")]
    public void Migrating_twice_changes_nothing(string? fixture)
    {
        using var dir = new TempStoreDir();
        if (fixture is not null) dir.CreateLegacyDatabase(fixture);

        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        var first = Dump(dir.DatabasePath);
        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        var second = Dump(dir.DatabasePath);

        Assert.Equal(first, second);
        Assert.Contains("== outbox", first);
    }

    [Fact]
    public void Newest_stage_keeps_tables_this_edition_does_not_know()
    {
        using var dir = new TempStoreDir();
        dir.CreateLegacyDatabase("newest.sql");
        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        Assert.Equal(1, Count(dir.DatabasePath, "token_usage"));
    }

    private static List<string> LegacyTables(string path)
    {
        using var c = OpenRaw(path);
        return c.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").ToList();
    }
}
