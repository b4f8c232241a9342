using SQLitePCL;

namespace NanoClaw.Shell.Store;

/// <summary>
/// Process-wide SQLite settings, applied once before the first connection opens (they are refused after
/// <c>sqlite3_initialize</c>). Memory statistics off (<c>SQLITE_CONFIG_MEMSTATUS = 0</c>): with them on, every
/// allocation SQLite makes takes a global mutex to keep counters nobody here reads (issue 16: the store row;
/// better-sqlite3, v1's binding, is built with them off). The threading mode stays serialized: a pooled connection is
/// used by one thread at a time, but that is the callers' discipline, not something this layer can prove.
/// </summary>
internal static class SqliteProcessSettings
{
    private static readonly Lazy<int> Applied = new(Apply);

    /// <summary>Applies the settings once; the result is SQLite's code (0 = ok; 21 = too late, already initialised).</summary>
    public static int Ensure() => Applied.Value;

    private static int Apply()
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0);
    }
}
