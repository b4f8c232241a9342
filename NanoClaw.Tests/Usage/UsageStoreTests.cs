using NanoClaw.Tests.Support;
using Dapper;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Usage;
using NanoClaw.Shell.Store;
using NanoClaw.Tests.Shell.Store;
using Serilog.Core;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Shell.Store.StoreTestSupport;

namespace NanoClaw.Tests.Usage;

/// <summary>The usage tables on real SQLite files: the migration on existing databases, and what goes in comes out exactly.</summary>
[Trait("Category", "Dashboard")]
public sealed class UsageStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_migration_adds_the_usage_tables_to_a_store_from_before_it_and_keeps_its_rows()
    {
        using var dir = new TempStoreDir();
        var store = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        store.Outbox.Enqueue("120363001@g.us", "kept", T0);
        // The file as the previous release left it: V1–V3 applied, no usage tables.
        using (var c = OpenRaw(dir.DatabasePath))
        {
            StoreRollback.To(c, keepThrough: 4);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var reopened = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);

        Assert.Equal(1, Count(dir.DatabasePath, "outbox"));
        Assert.Equal(0, Count(dir.DatabasePath, "container_runs"));
        Assert.Equal(["id", "container_name", "group_folder", "chat_jid", "task_id", "started_at", "duration_ms", "outcome", "error"],
            Columns(dir.DatabasePath, "container_runs"));
        Assert.Equal(["id", "run_id", "ended_at", "input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens",
            "cost_usd", "num_turns", "duration_api_ms"], Columns(dir.DatabasePath, "container_turns"));
        var id = reopened.Usage.RunStarted("nanoclaw-family-1", "family", "120363001@g.us", None, T0);
        Assert.True(id > 0);
    }

    [Fact]
    public void A_NanoClaw_database_keeps_its_token_usage_table_beside_the_new_ones()
    {
        using var dir = new TempStoreDir();
        dir.CreateLegacyDatabase("newest.sql");
        var store = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        Assert.Equal(1, Count(dir.DatabasePath, "token_usage"));
        Assert.Empty(store.Usage.Turns(None, None));
    }

    [Fact]
    public void Runs_and_turns_come_back_exactly_with_their_group_task_and_outcome()
    {
        using var dir = new TempStoreDir();
        var store = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        var chat = store.Usage.RunStarted("nanoclaw-family-1", "family", "120363001@g.us", None, T0);
        var task = store.Usage.RunStarted("nanoclaw-main-2", "main", "local:main", Some("t-42"), T0.AddMinutes(1));
        store.Usage.TurnEnded(chat, T0.AddSeconds(5), new TurnUsage(100, 20, 30, 40, 0.1m, 1, 700));
        store.Usage.TurnEnded(chat, T0.AddSeconds(9), new TurnUsage(1, 2, 3, 4, 0.2m, 2, 300));
        store.Usage.TurnEnded(task, T0.AddMinutes(2), new TurnUsage(5, 6, 7, 8, 0.000958m, 1, 50));
        store.Usage.RunEnded(chat, 12_000, RunOutcomes.Success, None);
        store.Usage.RunEnded(task, 4_000, RunOutcomes.Error, Some("agent failed"));

        var turns = store.Usage.Turns(None, None);
        Assert.Equal(3, turns.Count);
        Assert.Equal(new UsageTurn(chat, "family", None, T0.AddSeconds(5), new TurnUsage(100, 20, 30, 40, 0.1m, 1, 700)), turns[0]);
        Assert.Equal(new UsageTurn(task, "main", Some("t-42"), T0.AddMinutes(2), new TurnUsage(5, 6, 7, 8, 0.000958m, 1, 50)), turns[2]);
        Assert.Equal(2, store.Usage.Turns(Some(T0.AddSeconds(9)), None).Count);
        Assert.Equal(chat, Assert.Single(store.Usage.Turns(Some(T0.AddSeconds(6)), Some("family"))).RunId);
        // 0.1 + 0.2 stays 0.3: costs are stored as decimal text, not binary doubles.
        Assert.Equal(0.300958m, turns.Sum(t => t.Usage.CostUsd));

        var runs = store.Usage.RecentRuns(10);
        Assert.Equal(new[] { "nanoclaw-main-2", "nanoclaw-family-1" }, runs.Map(r => r.ContainerName).ToArray());
        Assert.Equal((12_000L, "success"), (runs[1].DurationMs.IfNone(0), runs[1].Outcome));
        var error = Assert.Single(store.Usage.LastErrors());
        Assert.Equal(("main", "agent failed"), (error.GroupFolder, error.Error.IfNone("")));
    }

    [Fact]
    public void Starting_the_same_container_name_twice_keeps_one_row()
    {
        using var dir = new TempStoreDir();
        var store = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        var first = store.Usage.RunStarted("nanoclaw-family-1", "family", "120363001@g.us", None, T0);
        var again = store.Usage.RunStarted("nanoclaw-family-1", "family", "120363001@g.us", None, T0);
        Assert.Equal(first, again);
        Assert.Equal(1, Count(dir.DatabasePath, "container_runs"));
    }
}
