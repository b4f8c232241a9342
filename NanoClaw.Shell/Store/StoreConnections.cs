using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace NanoClaw.Shell.Store;

/// <summary>
/// Opens pooled connections to one database file with the per-connection settings every caller needs:
/// a busy timeout (writers wait instead of failing) and foreign keys on. WAL is a property of the file,
/// set once when the store opens. The per-connection PRAGMAs run once per physical (pooled) connection, not on every
/// <see cref="Open"/>; the hot statements run on a few kept connections with their statements compiled once
/// (<see cref="WithPrepared{T}"/>).
/// </summary>
public sealed class StoreConnections
{
    /// <summary>How long a connection waits for another writer's lock before giving up.</summary>
    public const int BusyTimeoutMs = 10000;

    /// <summary>Kept connections beyond this many idle ones are closed when returned.</summary>
    private const int MaxIdlePrepared = 4;

    private static readonly string ConnectionPragmas = $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = NORMAL;";

    private readonly string connectionString;

    // Physical connections (the pooled sqlite3 handles) that already ran the PRAGMAs; entries go with their handles.
    private readonly ConditionalWeakTable<sqlite3, object> configured = new();
    private readonly ConcurrentBag<PreparedConnection> idlePrepared = [];

    public StoreConnections(string databasePath, bool foreignKeys = true)
    {
        SqliteProcessSettings.Ensure();
        DatabasePath = databasePath;
        ForeignKeys = foreignKeys;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = foreignKeys,
            // The migrator's connection (foreign keys off) is opened once per process: not pooled, so it is really closed.
            Pooling = foreignKeys,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
    }

    public string DatabasePath { get; }

    /// <summary>True when connections enforce foreign keys (the store's normal mode; the migrator opens without).</summary>
    public bool ForeignKeys { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        var handle = connection.Handle!;
        if (!configured.TryGetValue(handle, out _))
        {
            // NORMAL is the documented safe setting under WAL: no corruption, one fsync per checkpoint instead of per commit.
            // Both settings belong to the physical connection and survive its trips through the pool.
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = ConnectionPragmas;
            pragmas.ExecuteNonQuery();
            configured.AddOrUpdate(handle, handle);
        }
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a kept connection whose statements stay compiled between calls. A call that
    /// throws closes its connection instead of returning it, so a half-run statement is never reused.
    /// </summary>
    public T WithPrepared<T>(Func<PreparedConnection, T> work)
    {
        var prepared = idlePrepared.TryTake(out var kept) ? kept : new PreparedConnection(Open());
        T result;
        try
        {
            result = work(prepared);
        }
        catch
        {
            prepared.Dispose();
            throw;
        }
        if (idlePrepared.Count < MaxIdlePrepared) idlePrepared.Add(prepared);
        else prepared.Dispose();
        return result;
    }

    /// <summary>Closes the kept connections (they return to SQLite's pool, which <see cref="SqliteConnection.ClearAllPools"/> empties).</summary>
    public void CloseKept()
    {
        while (idlePrepared.TryTake(out var kept)) kept.Dispose();
    }

    /// <summary>
    /// Closes the kept connections and this file's pooled ones (a connection still in use closes when it is returned).
    /// When the last connection to the file closes, SQLite copies the WAL into the database file and removes it, so a
    /// stopped daemon leaves one complete <c>messages.db</c> (before this it left every row in <c>messages.db-wal</c>).
    /// </summary>
    public void Close()
    {
        CloseKept();
        using var pooled = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(pooled);
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE, so read-then-write never deadlocks).</summary>
    public T InTransaction<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = work(connection, transaction);
        transaction.Commit();
        return result;
    }

    public void InTransaction(Action<SqliteConnection, SqliteTransaction> work) =>
        InTransaction<int>((c, t) => { work(c, t); return 0; });
}
