using System.Text.Json;
using Dapper;
using LanguageExt;
using Microsoft.Data.Sqlite;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Store.Repositories;

/// <summary>
/// The <c>router_state</c> key/value table: <c>last_timestamp</c> (newest message seen) and
/// <c>last_agent_timestamp</c> (JSON object chat JID → newest message handed to that chat's agent).
/// </summary>
public sealed class RouterStateRepository
{
    public const string LastTimestampKey = "last_timestamp";
    public const string LastAgentTimestampKey = "last_agent_timestamp";

    private readonly StoreConnections db;
    private readonly ILogger log;

    internal RouterStateRepository(StoreConnections db, ILogger log)
    {
        this.db = db;
        this.log = log;
    }

    public Option<string> Get(string key)
    {
        using var c = db.Open();
        return Optional(c.QueryFirstOrDefault<string?>("SELECT value FROM router_state WHERE key = @key", new { key }));
    }

    public void Set(string key, string value)
    {
        using var c = db.Open();
        c.Execute("INSERT OR REPLACE INTO router_state (key, value) VALUES (@key, @value)", new { key, value });
    }

    /// <summary>The global message cursor; empty when nothing has been seen yet.</summary>
    public string LastTimestamp() => Get(LastTimestampKey).IfNone("");

    public void SetLastTimestamp(string timestamp) => Set(LastTimestampKey, timestamp);

    /// <summary>Every chat's agent cursor. A damaged value is reported and read as empty (the agent then sees history again, nothing is lost).</summary>
    public Map<string, string> LastAgentTimestamps() =>
        Get(LastAgentTimestampKey).Map(json => ParseCursors(json, log)).IfNone(Map<string, string>());

    public void SetLastAgentTimestamps(Map<string, string> cursors) =>
        Set(LastAgentTimestampKey, SerializeCursors(cursors));

    /// <summary>Sets one chat's agent cursor, keeping the others (read and write in one transaction).</summary>
    public void SetLastAgentTimestamp(string chatJid, string timestamp) =>
        db.InTransaction((c, t) =>
        {
            var current = ReadIn(c, t);
            Write(c, t, current.AddOrUpdate(chatJid, timestamp));
        });

    /// <summary>Merges cursors into the stored ones, keeping the later timestamp per chat (used by the legacy import).</summary>
    public void MergeLastAgentTimestamps(Map<string, string> cursors) =>
        db.InTransaction((c, t) =>
        {
            var merged = cursors.Fold(ReadIn(c, t), (acc, jid, ts) =>
                acc.Find(jid).Match(old => string.CompareOrdinal(ts, old) > 0 ? acc.SetItem(jid, ts) : acc, () => acc.Add(jid, ts)));
            Write(c, t, merged);
        });

    private Map<string, string> ReadIn(SqliteConnection c, SqliteTransaction t) =>
        Optional(c.QueryFirstOrDefault<string?>("SELECT value FROM router_state WHERE key = @key", new { key = LastAgentTimestampKey }, t))
            .Map(json => ParseCursors(json, log)).IfNone(Map<string, string>());

    private static void Write(SqliteConnection c, SqliteTransaction t, Map<string, string> cursors) =>
        c.Execute("INSERT OR REPLACE INTO router_state (key, value) VALUES (@key, @value)",
            new { key = LastAgentTimestampKey, value = SerializeCursors(cursors) }, t);

    internal static Map<string, string> ParseCursors(string json, ILogger log)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("not an object");
            return toMap(doc.RootElement.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.String)
                .Select(p => (p.Name, p.Value.GetString()!)));
        }
        catch (JsonException e)
        {
            log.Warning("router_state.last_agent_timestamp is not a JSON object of timestamps ({Reason}); starting from empty cursors", e.Message);
            return Map<string, string>();
        }
    }

    internal static string SerializeCursors(Map<string, string> cursors) =>
        JsonSerializer.Serialize(cursors.ToDictionary(kv => kv.Key, kv => kv.Value));
}
