using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace NanoClaw.Shell.Store;

/// <summary>
/// One hot statement compiled once on a kept connection and run through SQLitePCLRaw (the library under
/// Microsoft.Data.Sqlite) directly: parameters bound by position, columns read by position. Issue 16: a
/// <see cref="SqliteCommand"/> looks each parameter up by name, allocates its reader and makes three native calls per
/// text column (type, text, bytes); on the 100-row poll that was most of the C# side's own time. Errors surface as the
/// <see cref="SqliteException"/> Microsoft.Data.Sqlite would throw, and busy/locked is retried until the connection's
/// timeout as it does. Used by one thread at a time, like its connection.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 db;
    private readonly sqlite3_stmt statement;

    internal RawStatement(sqlite3 db, string sql)
    {
        this.db = db;
        var rc = raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out statement);
        SqliteException.ThrowExceptionForRC(rc, db);
    }

    /// <summary>Binds text (NULL for null) to the 1-based parameter <paramref name="index"/>.</summary>
    public void Text(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text(statement, index, value));

    public void Int(int index, long value) => Check(raw.sqlite3_bind_int64(statement, index, value));

    /// <summary>Runs a statement that returns no rows; the number of rows it changed.</summary>
    public int Execute()
    {
        try
        {
            var rc = Step();
            if (rc == raw.SQLITE_ROW) throw new InvalidOperationException("the statement returned rows");
            return raw.sqlite3_changes(db);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>Steps to the next row: false when there are no more (the statement is then reset for its next run).</summary>
    public bool Read()
    {
        bool row;
        try
        {
            row = Step() == raw.SQLITE_ROW;
        }
        catch
        {
            raw.sqlite3_reset(statement);
            throw;
        }
        if (!row) raw.sqlite3_reset(statement);
        return row;
    }

    /// <summary>Resets a statement whose rows were not all read.</summary>
    public void Reset() => raw.sqlite3_reset(statement);

    /// <summary>The 0-based column <paramref name="ordinal"/> of the current row as text; null when NULL.</summary>
    public string? String(int ordinal) =>
        // column_text gives a null pointer for an SQL NULL only (an empty string is a pointer to ""), which
        // utf8_to_string maps to null: no separate type call (RawStatementTests checks NULL, "" and non-ASCII text).
        raw.sqlite3_column_text(statement, ordinal).utf8_to_string();

    public long Int64(int ordinal) => raw.sqlite3_column_int64(statement, ordinal);

    public bool IsNull(int ordinal) => raw.sqlite3_column_type(statement, ordinal) == raw.SQLITE_NULL;

    private int Step()
    {
        var rc = raw.sqlite3_step(statement);
        if (rc is raw.SQLITE_ROW or raw.SQLITE_DONE) return rc;
        // SQLite's busy handler has already waited busy_timeout; like Microsoft.Data.Sqlite, keep retrying until the
        // connection's timeout has passed before giving up.
        var waited = Stopwatch.StartNew();
        while ((rc & 0xFF) is raw.SQLITE_BUSY or raw.SQLITE_LOCKED && waited.ElapsedMilliseconds < StoreConnections.BusyTimeoutMs)
        {
            raw.sqlite3_reset(statement);
            Thread.Sleep(150);
            rc = raw.sqlite3_step(statement);
        }
        if (rc is raw.SQLITE_ROW or raw.SQLITE_DONE) return rc;
        SqliteException.ThrowExceptionForRC(rc, db);
        return rc;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, db);
    }

    public void Dispose() => statement.Dispose();
}
