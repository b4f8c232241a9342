using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace NanoClaw.Shell.Store;

/// <summary>
/// Tells whether a store needs no migration step at all, so an open can skip the legacy upgrade, Evolve and the
/// folder index (issue 16: Evolve alone was ~60 ms of the 0.4 s a CLI command took). Current means: Evolve recorded
/// exactly the embedded <c>V*.sql</c> scripts, each successful and with the checksum Evolve computes for the text now
/// embedded (MD5 of its UTF-8 text, upper-case hex), and the folder index exists. Anything else (a new or edited
/// script, a failed row, a missing table or index, any error) is "not current" and the full path runs, which is also
/// where Evolve reports an edited script.
/// </summary>
internal static class MigrationCheck
{
    /// <summary>The embedded scripts as Evolve names them (<c>V1__x.sql</c>) with their checksums.</summary>
    internal static readonly Lazy<IReadOnlyDictionary<string, string>> Embedded = new(ReadEmbedded);

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

    private static IReadOnlyDictionary<string, string> ReadEmbedded()
    {
        var assembly = typeof(MigrationCheck).Assembly;
        var scripts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(StoreMigrator.ResourcePrefix + ".", StringComparison.Ordinal) ||
                !resource.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)) continue;
            var parts = resource.Split('.');
            var name = parts[^2] + "." + parts[^1];
            if (!name.StartsWith('V')) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var text = new StreamReader(stream, Encoding.UTF8);
            scripts[name] = Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text.ReadToEnd())));
        }
        return scripts;
    }
}
