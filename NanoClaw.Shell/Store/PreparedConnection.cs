using Microsoft.Data.Sqlite;

namespace NanoClaw.Shell.Store;

/// <summary>
/// One open SQLite connection kept by <see cref="StoreConnections"/> for the hot statements, with each statement
/// compiled once and reused: a <see cref="SqliteCommand"/> keeps its prepared statements while its text is unchanged,
/// but only on the connection object it was created for, so the commands live beside their connection.
/// Used by one thread at a time (rented, then returned).
/// </summary>
public sealed class PreparedConnection : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RawStatement> statements = new(StringComparer.Ordinal);

    internal PreparedConnection(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>The command for <paramref name="sql"/>, created (with its named parameters) on first use and prepared once.</summary>
    public SqliteCommand Command(string sql, params string[] parameterNames)
    {
        if (commands.TryGetValue(sql, out var command)) return command;
        command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames) command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        command.Prepare();
        commands.Add(sql, command);
        return command;
    }

    /// <summary>The raw statement for <paramref name="sql"/> (the hottest paths: bound and read by position), compiled on first use.</summary>
    internal RawStatement Statement(string sql)
    {
        if (statements.TryGetValue(sql, out var statement)) return statement;
        statement = new RawStatement(Connection.Handle!, sql);
        statements.Add(sql, statement);
        return statement;
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE) with <paramref name="used"/> enlisted.</summary>
    public void InTransaction(SqliteCommand[] used, Action work)
    {
        using var transaction = Connection.BeginTransaction(deferred: false);
        foreach (var c in used) c.Transaction = transaction;
        try
        {
            work();
            transaction.Commit();
        }
        finally
        {
            foreach (var c in used) c.Transaction = null;
        }
    }

    public void Dispose()
    {
        foreach (var c in commands.Values) c.Dispose();
        commands.Clear();
        // Finalised before the connection goes back to the pool: an unfinalised statement would keep the handle from closing.
        foreach (var s in statements.Values) s.Dispose();
        statements.Clear();
        Connection.Dispose();
    }
}
