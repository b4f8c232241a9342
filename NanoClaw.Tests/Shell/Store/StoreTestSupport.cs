using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using NanoClaw.Shell.Store;
using NanoClaw.Tests.Support;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace NanoClaw.Tests.Shell.Store;

/// <summary>A temporary project directory with real SQLite files; deleted (and pools cleared) on dispose.</summary>
public sealed class TempStoreDir : IDisposable
{
    public TempStoreDir()
    {
        Root = Path.Combine(Path.GetTempPath(), "nanoclaw-store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }
    public string StoreDir => Path.Combine(Root, "store");
    public string DataDir => Path.Combine(Root, "data");
    public string DatabasePath => Path.Combine(StoreDir, NanoClawStore.DatabaseFileName);

    /// <summary>Creates store/messages.db from a legacy-db fixture (DDL + rows), as NanoClaw left it.</summary>
    public void CreateLegacyDatabase(string fixture)
    {
        Directory.CreateDirectory(StoreDir);
        using var c = new SqliteConnection($"Data Source={DatabasePath};Pooling=False;Foreign Keys=False");
        c.Open();
        c.Execute(File.ReadAllText(StoreTestSupport.Fixture(fixture)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public static class StoreTestSupport
{
    public static string Fixture(string name) => Path.Combine(Requirements.RepoRoot(), "NanoClaw.Tests", "Fixtures", "legacy-db", name);

    /// <summary>A logger that collects rendered events, for asserting warnings.</summary>
    public static (ILogger Log, List<string> Lines) CollectingLogger()
    {
        var sink = new ListSink();
        return (new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger(), sink.Lines);
    }

    public static SqliteConnection OpenRaw(string path)
    {
        var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        return c;
    }

    public static long Count(string path, string table)
    {
        using var c = OpenRaw(path);
        return c.ExecuteScalar<long>($"SELECT COUNT(*) FROM {table}");
    }

    public static List<string> Columns(string path, string table)
    {
        using var c = OpenRaw(path);
        return c.Query<string>($"SELECT name FROM pragma_table_info('{table}')").ToList();
    }

    /// <summary>The whole database as text: every schema object and every row of every table, in a stable order.</summary>
    public static string Dump(string path)
    {
        using var c = OpenRaw(path);
        var text = new StringBuilder();
        foreach (var (type, name, sql) in c.Query<(string, string, string?)>("SELECT type, name, sql FROM sqlite_master ORDER BY type, name"))
            text.Append(type).Append(' ').Append(name).Append(": ").AppendLine(sql);
        foreach (var table in c.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))
        {
            text.AppendLine($"== {table}");
            foreach (IDictionary<string, object?> row in c.Query($"SELECT * FROM \"{table}\" ORDER BY rowid"))
                text.AppendLine(string.Join(" | ", row.Select(kv => $"{kv.Key}={kv.Value ?? "NULL"}")));
        }
        return text.ToString();
    }

    /// <summary>Every row of a table as text, without schema, for "nothing lost" comparisons on the columns a table had.</summary>
    public static List<string> Rows(string path, string table, IEnumerable<string> columns)
    {
        using var c = OpenRaw(path);
        var list = string.Join(", ", columns);
        return c.Query($"SELECT {list} FROM \"{table}\" ORDER BY rowid")
            .Select(r => string.Join(" | ", ((IDictionary<string, object?>)r).Select(kv => $"{kv.Key}={kv.Value ?? "NULL"}")))
            .ToList();
    }

    private sealed class ListSink : ILogEventSink
    {
        public List<string> Lines { get; } = [];

        public void Emit(LogEvent logEvent)
        {
            lock (Lines) Lines.Add($"{logEvent.Level}: {logEvent.RenderMessage()}");
        }
    }
}
