using Dapper;
using NanoClaw.Shell.Store;

namespace NanoClaw.Tests.Support;

/// <summary>
/// Rolls a migrated store file back to what an earlier release left: every migration after <c>keepThrough</c> is undone
/// (its tables and columns dropped) and forgotten, so the next open applies them again in order, as an upgrade does.
/// </summary>
internal static class StoreRollback
{
    // Newest first: what each migration added.
    private static readonly (int Version, string Undo)[] Undo =
    [
        (10, "CREATE INDEX idx_timestamp ON messages(timestamp);"),
        (9, "ALTER TABLE outbox DROP COLUMN given_up_at;"),
        (8, "DROP TABLE proxy_calls;"),
        (7, "ALTER TABLE messages DROP COLUMN addresses_assistant;"),
        (6, "ALTER TABLE outbox DROP COLUMN file_path; ALTER TABLE outbox DROP COLUMN file_mime; " +
            "ALTER TABLE outbox DROP COLUMN file_kind; ALTER TABLE outbox DROP COLUMN file_name;"),
        (5, "DROP TABLE container_turns; DROP TABLE container_runs;"),
        (4, "DROP TABLE attachments;"),
    ];

    public static void To(System.Data.IDbConnection c, int keepThrough)
    {
        foreach (var (version, undo) in Undo.Where(u => u.Version > keepThrough))
        {
            c.Execute(undo);
            c.Execute($"DELETE FROM {StoreMigrator.MetadataTable} WHERE name LIKE @name", new { name = $"V{version}__%" });
        }
    }
}
