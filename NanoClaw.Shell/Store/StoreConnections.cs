using Dapper;
using Microsoft.Data.Sqlite;

namespace NanoClaw.Shell.Store;

/// <summary>
/// Opens pooled connections to one database file with the per-connection settings every caller needs:
/// a busy timeout (writers wait instead of failing) and foreign keys on. WAL is a property of the file,
/// set once when the store opens.
/// </summary>
public sealed class StoreConnections
{
    /// <summary>How long a connection waits for another writer's lock before giving up.</summary>
    public const int BusyTimeoutMs = 10000;

    private readonly string connectionString;

    public StoreConnections(string databasePath, bool foreignKeys = true)
    {
        DatabasePath = databasePath;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = foreignKeys,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
    }

    public string DatabasePath { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        // NORMAL is the documented safe setting under WAL: no corruption, one fsync per checkpoint instead of per commit.
        connection.Execute($"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = NORMAL;");
        return connection;
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
