using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NanoClaw.AgentRunner.Mcp;

/// <summary>
/// The host's <c>current_tasks.json</c> snapshot (written before each run): main sees every task, other groups
/// their own. Entries carry NanoClaw's fields: id, groupFolder, prompt, schedule_type, schedule_value, status, next_run.
/// </summary>
internal static class TaskSnapshot
{
    public static IReadOnlyList<JsonObject> Read(string path)
    {
        if (!File.Exists(path)) return [];
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonArray tasks ? tasks.OfType<JsonObject>().ToList() : [];
        }
        catch (JsonException e)
        {
            Log.Info($"unreadable task snapshot {path}: {e.Message}");
            return [];
        }
    }

    public static Option<string> TypeOf(IReadOnlyList<JsonObject> tasks, string taskId) =>
        Optional(tasks.FirstOrDefault(t => (string?)t["id"] == taskId)).Bind(t => Optional((string?)t["schedule_type"]));

    /// <summary>Tasks this group may see, as text for the model.</summary>
    public static string Describe(IReadOnlyList<JsonObject> tasks, ToolContext ctx)
    {
        var visible = tasks.Where(t => ctx.IsMain || (string?)t["groupFolder"] == ctx.GroupFolder).ToList();
        if (visible.Count == 0) return "No scheduled tasks.";
        var text = new StringBuilder("Scheduled tasks:\n");
        foreach (var t in visible)
        {
            var prompt = (string?)t["prompt"] ?? "";
            if (prompt.Length > 80) prompt = prompt[..80] + "…";
            text.Append("- [").Append((string?)t["id"]).Append("] ").Append(prompt)
                .Append(" (").Append((string?)t["schedule_type"]).Append(": ").Append((string?)t["schedule_value"])
                .Append(", ").Append((string?)t["status"]).Append(", next run: ").Append((string?)t["next_run"] ?? "none");
            if (ctx.IsMain) text.Append(", group: ").Append((string?)t["groupFolder"]);
            text.Append(")\n");
        }
        return text.ToString();
    }
}
