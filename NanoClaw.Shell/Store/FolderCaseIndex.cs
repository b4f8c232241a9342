using Dapper;
using Microsoft.Data.Sqlite;
using Serilog;

namespace NanoClaw.Shell.Store;

/// <summary>
/// Makes group folders unique regardless of case (<c>registered_groups(folder COLLATE NOCASE)</c>): on a
/// case-insensitive file system (macOS) <c>Family</c> and <c>family</c> are one directory, and so one identity.
/// Run at every open, after the Evolve migrations, because it cannot be an Evolve script: a database moved over
/// from NanoClaw may already hold such a pair, and the index cannot be created then. That is reported (each pair,
/// and what to do) instead of failing the boot; the store then serves only the first registered group of each pair
/// (<see cref="Repositories.RegisteredGroupRepository.All"/>) until the user resolves it, and the index is created at
/// the first open after that.
/// </summary>
public static class FolderCaseIndex
{
    public const string IndexName = "idx_registered_groups_folder_nocase";

    /// <summary>Creates the index, or logs every colliding pair. Returns the pairs (empty when the index exists).</summary>
    public static IReadOnlyList<(string KeptJid, string KeptFolder, string OtherJid, string OtherFolder)> Ensure(SqliteConnection connection, ILogger log)
    {
        if (connection.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = @IndexName", new { IndexName }) > 0)
            return [];
        var pairs = connection.Query<(string, string, string, string)>("""
            SELECT a.jid, a.folder, b.jid, b.folder FROM registered_groups a
            JOIN registered_groups b ON a.folder = b.folder COLLATE NOCASE
              AND (COALESCE(a.added_at, '') < COALESCE(b.added_at, '') OR (COALESCE(a.added_at, '') = COALESCE(b.added_at, '') AND a.jid < b.jid))
            ORDER BY a.added_at, a.jid, b.added_at, b.jid
            """).ToList();
        if (pairs.Count == 0)
        {
            connection.Execute($"CREATE UNIQUE INDEX IF NOT EXISTS {IndexName} ON registered_groups(folder COLLATE NOCASE)");
            return [];
        }
        foreach (var (keptJid, keptFolder, otherJid, otherFolder) in pairs)
            log.Error(
                "Registered groups {KeptJid} (folder {KeptFolder}) and {OtherJid} (folder {OtherFolder}) use the same folder regardless of case, " +
                "which on a case-insensitive file system is one directory; only the first is served until this is resolved. " +
                "Fix: {Fix}",
                keptJid, keptFolder, otherJid, otherFolder,
                $"nanoclaw groups remove --jid {otherJid}, then register that chat again with another folder: nanoclaw groups register --jid {otherJid} --name NAME --folder NEW");
        return pairs;
    }
}
