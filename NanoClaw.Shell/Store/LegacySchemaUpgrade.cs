using Dapper;
using Microsoft.Data.Sqlite;
using Serilog;

namespace NanoClaw.Shell.Store;

/// <summary>
/// Brings a database NanoClaw (TypeScript) created at any of its schema stages up to its final column set,
/// before the first Evolve migration runs. SQLite has no <c>ADD COLUMN IF NOT EXISTS</c> and Evolve scripts
/// cannot branch, so this step reads <c>PRAGMA table_info</c> and adds only what is missing. Each backfill
/// runs only when its column was added just now, exactly as NanoClaw did, so running twice changes nothing.
/// Tables that do not exist yet are left to the migration, which creates them complete.
/// </summary>
public static class LegacySchemaUpgrade
{
    /// <summary>A column a table may lack, its definition for ALTER TABLE, and the backfill to run when it is added.</summary>
    private sealed record Column(string Table, string Name, string Definition, string? Backfill = null);

    // Order matters only for readability; every column is independent.
    private static readonly Column[] Columns =
    [
        new("chats", "name", "TEXT"),
        new("chats", "last_message_time", "TEXT"),
        new("chats", "channel", "TEXT",
            "UPDATE chats SET channel = 'whatsapp' WHERE jid LIKE '%@g.us' OR jid LIKE '%@s.whatsapp.net'"),
        new("chats", "is_group", "INTEGER DEFAULT 0",
            "UPDATE chats SET is_group = CASE WHEN jid LIKE '%@g.us' THEN 1 ELSE 0 END"),

        new("messages", "sender", "TEXT"),
        new("messages", "sender_name", "TEXT"),
        new("messages", "content", "TEXT"),
        new("messages", "timestamp", "TEXT"),
        new("messages", "is_from_me", "INTEGER"),
        new("messages", "is_bot_message", "INTEGER DEFAULT 0",
            // Exact, case-sensitive prefix (the rule the core applies) rather than NanoClaw's LIKE, whose
            // case-insensitivity and '%'/'_' wildcards could mark a human's message as the bot's.
            "UPDATE messages SET is_bot_message = 1 WHERE substr(content, 1, length(@prefix)) = @prefix"),
        new("messages", "reply_to_message_id", "TEXT"),
        new("messages", "reply_to_message_content", "TEXT"),
        new("messages", "reply_to_sender_name", "TEXT"),

        new("scheduled_tasks", "context_mode", "TEXT DEFAULT 'isolated'"),
        new("scheduled_tasks", "script", "TEXT"),
        new("scheduled_tasks", "next_run", "TEXT"),
        new("scheduled_tasks", "last_run", "TEXT"),
        new("scheduled_tasks", "last_result", "TEXT"),
        new("scheduled_tasks", "status", "TEXT DEFAULT 'active'"),

        new("task_run_logs", "result", "TEXT"),
        new("task_run_logs", "error", "TEXT"),

        new("registered_groups", "container_config", "TEXT"),
        new("registered_groups", "requires_trigger", "INTEGER DEFAULT 1"),
        new("registered_groups", "is_main", "INTEGER DEFAULT 0",
            "UPDATE registered_groups SET is_main = 1 WHERE folder = 'main'"),
    ];

    /// <summary>Adds missing columns with their backfills in one transaction.</summary>
    /// <returns>The columns added, as <c>table.column</c>.</returns>
    public static IReadOnlyList<string> Apply(SqliteConnection connection, string assistantName, ILogger log)
    {
        var added = new List<string>();
        using var transaction = connection.BeginTransaction(deferred: false);
        var existingTables = connection
            .Query<string>("SELECT name FROM sqlite_master WHERE type = 'table'", transaction: transaction)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var byTable in Columns.GroupBy(c => c.Table))
        {
            if (!existingTables.Contains(byTable.Key)) continue;
            var present = connection
                .Query<string>($"SELECT name FROM pragma_table_info('{byTable.Key}')", transaction: transaction)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var column in byTable.Where(c => !present.Contains(c.Name)))
            {
                connection.Execute($"ALTER TABLE {column.Table} ADD COLUMN {column.Name} {column.Definition}", transaction: transaction);
                if (column.Backfill is not null)
                    connection.Execute(column.Backfill, new { prefix = assistantName + ":" }, transaction);
                added.Add($"{column.Table}.{column.Name}");
            }
        }
        transaction.Commit();
        if (added.Count > 0)
            log.Information("Upgraded a NanoClaw database: added columns {Columns}", string.Join(", ", added));
        return added;
    }
}
