using Microsoft.Data.Sqlite;

namespace NanoClaw.Shell.Store;

/// <summary>
/// Tells whether a store needs no migration step at all, so an open can skip the legacy upgrade, Evolve and the
/// folder index (issue 16: Evolve alone was ~60 ms of the 0.4 s a CLI command took). Current means: Evolve recorded
/// exactly the embedded <c>V*.sql</c> scripts, each successful and with the checksum Evolve computes for the text now
/// embedded (MD5 of its UTF-8 text, upper-case hex, as listed in <see cref="MigrationChecksums"/>), and the folder index exists. Anything else (a new or edited
/// script, a failed row, a missing table or index, any error) is "not current" and the full path runs, which is also
/// where Evolve reports an edited script.
/// </summary>
internal static class MigrationCheck
{
    /// <summary>
    /// The embedded scripts as Evolve names them (<c>V1__x.sql</c>) with their checksums from
    /// <see cref="MigrationChecksums"/>; a script that table does not list gets no checksum, so no store is current.
    /// </summary>
    internal static readonly Lazy<IReadOnlyDictionary<string, string>> Embedded = new(() => ExpectedFor(EmbeddedNames()));

    public static bool IsCurrent(SqliteConnection connection)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT
                  (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{StoreMigrator.MetadataTable}'),
                  (SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = '{FolderCaseIndex.IndexName}')
                """;
            using (var reader = command.ExecuteReader())
            {
                if (!reader.Read() || reader.GetInt64(0) != 1 || reader.GetInt64(1) != 1) return false;
            }
            // type 0 = a versioned migration in Evolve's table (the other rows mark the empty schema it started from).
            command.CommandText = $"SELECT name, checksum, success FROM {StoreMigrator.MetadataTable} WHERE type = 0";
            var expected = Embedded.Value;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    if (reader.IsDBNull(0) || reader.IsDBNull(1) || reader.GetInt64(2) != 1) return false;
                    var name = reader.GetString(0);
                    if (!expected.TryGetValue(name, out var checksum) || checksum != reader.GetString(1) || !seen.Add(name)) return false;
                }
            }
            return seen.Count == expected.Count;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>The embedded <c>V*.sql</c> scripts' names, read from the manifest (nothing is hashed).</summary>
    internal static IReadOnlyList<string> EmbeddedNames()
    {
        var names = new List<string>();
        foreach (var resource in typeof(MigrationCheck).Assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(StoreMigrator.ResourcePrefix + ".", StringComparison.Ordinal) ||
                !resource.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)) continue;
            var parts = resource.Split('.');
            var name = parts[^2] + "." + parts[^1];
            if (name.StartsWith('V')) names.Add(name);
        }
        return names;
    }

    internal static IReadOnlyDictionary<string, string> ExpectedFor(IReadOnlyList<string> names)
    {
        // An unlisted script maps to a checksum no Evolve row can have, so the check fails and Evolve runs.
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
            expected[name] = MigrationChecksums.ByScript.TryGetValue(name, out var checksum) ? checksum : "";
        return expected;
    }
}
