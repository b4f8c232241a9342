using System.Text.Json;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Store;

/// <summary>
/// One-time import of the JSON state files NanoClaw kept in <c>data/</c> before it moved them into SQLite:
/// <c>router_state.json</c>, <c>sessions.json</c>, <c>registered_groups.json</c>. Each imported file is renamed
/// <c>*.migrated</c> (kept, so nothing is lost). A file that cannot be read is left in place with a warning.
/// </summary>
public static class LegacyJsonImport
{
    public const string RouterStateFile = "router_state.json";
    public const string SessionsFile = "sessions.json";
    public const string RegisteredGroupsFile = "registered_groups.json";

    /// <returns>The files imported.</returns>
    public static IReadOnlyList<string> Run(string dataDir, NanoClawStore store, ILogger log)
    {
        var imported = new List<string>();
        Import(dataDir, RouterStateFile, root => ImportRouterState(root, store), log, imported);
        Import(dataDir, SessionsFile, root => ImportSessions(root, store), log, imported);
        Import(dataDir, RegisteredGroupsFile, root => ImportGroups(root, store, log), log, imported);
        return imported;
    }

    private static void Import(string dataDir, string fileName, Action<JsonElement> import, ILogger log, List<string> imported)
    {
        var path = Path.Combine(dataDir, fileName);
        if (!File.Exists(path)) return;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("the top level is not an object");
            import(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            log.Warning("Legacy {File} was not imported ({Reason}); it is left in place", path, e.Message);
            return;
        }
        File.Move(path, path + ".migrated", overwrite: true);
        imported.Add(fileName);
        log.Information("Imported legacy {File} into the store (renamed to {Renamed})", path, fileName + ".migrated");
    }

    private static void ImportRouterState(JsonElement root, NanoClawStore store)
    {
        if (root.TryGetProperty("last_timestamp", out var last) && last.ValueKind == JsonValueKind.String)
        {
            var ts = last.GetString()!;
            // Cursors only move forward: keep the later of the file's and the store's.
            if (string.CompareOrdinal(ts, store.RouterState.LastTimestamp()) > 0) store.RouterState.SetLastTimestamp(ts);
        }
        if (root.TryGetProperty("last_agent_timestamp", out var agent) && agent.ValueKind == JsonValueKind.Object)
        {
            store.RouterState.MergeLastAgentTimestamps(toMap(agent.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.String)
                .Select(p => (p.Name, p.Value.GetString()!))));
        }
    }

    private static void ImportSessions(JsonElement root, NanoClawStore store)
    {
        foreach (var p in root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            store.Sessions.Set(p.Name, p.Value.GetString()!);
    }

    private static void ImportGroups(JsonElement root, NanoClawStore store, ILogger log)
    {
        foreach (var entry in root.EnumerateObject())
        {
            var jid = entry.Name;
            var g = entry.Value;
            if (g.ValueKind != JsonValueKind.Object)
            {
                log.Warning("Legacy registered group {Jid} is not an object; skipped", jid);
                continue;
            }
            var folder = Str(g, "folder");
            if (GroupFolder.Validate(folder).IsLeft)
            {
                log.Warning("Legacy registered group {Jid} has invalid folder {Folder}; skipped", jid, folder);
                continue;
            }
            var config = g.TryGetProperty("containerConfig", out var cc) && cc.ValueKind == JsonValueKind.Object
                ? ContainerConfigJson.Parse(cc.GetRawText()).Match(
                    Right: Some,
                    Left: reason =>
                    {
                        log.Warning("Legacy registered group {Jid}: containerConfig ignored ({Reason})", jid, reason);
                        return Option<ContainerConfig>.None;
                    })
                : None;
            var requiresTrigger = !(g.TryGetProperty("requiresTrigger", out var rt) && rt.ValueKind == JsonValueKind.False);
            var group = new RegisteredGroup(jid, Str(g, "name") ?? jid, folder!, Str(g, "trigger") ?? "", Str(g, "added_at") ?? "",
                config, requiresTrigger, folder == GroupFolder.Main);
            store.Groups.Upsert(group).IfLeft(reason => log.Warning("Legacy registered group {Jid} skipped: {Reason}", jid, reason));
        }
    }

    private static string? Str(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
