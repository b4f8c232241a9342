using Dapper;
using Microsoft.Data.Sqlite;

namespace NanoClaw.Shell.Store;

/// <summary>
/// Loads SQLite and Dapper on a pool thread while the command line is parsed and the configuration and log are set
/// up, for the commands that open the store. Those first uses (the native library, Microsoft.Data.Sqlite's and
/// Dapper's type initialisers, Dapper's row mapper) are tens of milliseconds of type loading and compiling on a
/// cold start; on a second core they overlap the rest of the start instead of following it (issue 16). It touches
/// no file: an in-memory database. A failure here changes nothing (the real open reports its own errors).
/// </summary>
internal static class StoreWarmup
{
    /// <summary>Starts the warm-up in the background and returns at once.</summary>
    public static void Start() => ThreadPool.UnsafeQueueUserWorkItem(static _ => Run(), null);

    private static void Run()
    {
        try
        {
            SqliteProcessSettings.Ensure();
            using var connection = new SqliteConnection("Data Source=:memory:;Pooling=False");
            connection.Open();
            _ = connection.Query<WarmRow>("SELECT 'warm' AS Name, 1 AS Count").AsList();
        }
        catch (Exception)
        {
            // Only a warm-up: whatever failed here fails again, and is reported, where the store is really opened.
        }
    }

    private sealed class WarmRow
    {
        public string? Name { get; set; }
        public long Count { get; set; }
    }
}
