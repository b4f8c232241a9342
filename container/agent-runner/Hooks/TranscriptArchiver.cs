using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NanoClaw.AgentRunner.Hooks;

/// <summary>
/// PreCompact hook: before Claude Code compacts the context, the full conversation so far is kept as markdown in
/// the group's conversations/ folder, named by date and a slug of the session summary, so the group can search it later.
/// </summary>
internal static partial class TranscriptArchiver
{
    /// <summary>One exchange of the transcript: who said it and the text.</summary>
    internal sealed record Turn(string Role, string Text);

    /// <summary>Archives the transcript named in the hook input; returns the file written, if any.</summary>
    public static string? Archive(JsonObject hookInput, string conversationsDir, string assistantName, DateTimeOffset now)
    {
        var transcriptPath = (string?)hookInput["transcript_path"];
        if (string.IsNullOrEmpty(transcriptPath) || !File.Exists(transcriptPath))
        {
            Log.Info("PreCompact: no transcript to archive");
            return null;
        }
        var lines = File.ReadAllLines(transcriptPath);
        var turns = ReadTurns(lines);
        if (turns.Count == 0) return null;
        var summary = Summary(lines) ?? turns.FirstOrDefault(t => t.Role == "user")?.Text ?? "conversation";
        Directory.CreateDirectory(conversationsDir);
        var baseName = $"{now:yyyy-MM-dd}-{Slug(summary)}";
        var path = Path.Combine(conversationsDir, baseName + ".md");
        for (var i = 2; File.Exists(path); i++) path = Path.Combine(conversationsDir, $"{baseName}-{i}.md");
        File.WriteAllText(path, Markdown(summary, turns, assistantName, now));
        Log.Info($"PreCompact: archived {turns.Count} turns to {path}");
        return path;
    }

    /// <summary>User and assistant text from a Claude Code JSONL transcript (tool calls and results are left out).</summary>
    public static IReadOnlyList<Turn> ReadTurns(IEnumerable<string> jsonLines)
    {
        var turns = new List<Turn>();
        foreach (var line in jsonLines)
        {
            if (Parse(line) is not { } entry) continue;
            var type = (string?)entry["type"];
            if (type is not ("user" or "assistant") || entry["message"] is not JsonObject message) continue;
            var text = Text(message["content"]);
            if (text.Length > 0) turns.Add(new Turn(type, text));
        }
        return turns;
    }

    public static string Slug(string text)
    {
        var slug = NonSlug().Replace(text.ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > 50) slug = slug[..50].TrimEnd('-');
        return slug.Length == 0 ? "conversation" : slug;
    }

    private static string Markdown(string summary, IReadOnlyList<Turn> turns, string assistantName, DateTimeOffset now)
    {
        var md = new StringBuilder();
        md.Append("# ").AppendLine(summary.ReplaceLineEndings(" "));
        md.AppendLine();
        md.Append("Archived: ").AppendLine(now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        md.AppendLine();
        md.AppendLine("---");
        foreach (var turn in turns)
        {
            md.AppendLine();
            md.Append("**").Append(turn.Role == "user" ? "User" : assistantName).AppendLine("**:");
            md.AppendLine();
            md.AppendLine(turn.Text.Length > 2000 ? turn.Text[..2000] + "…" : turn.Text);
        }
        return md.ToString();
    }

    private static string? Summary(IEnumerable<string> jsonLines) =>
        jsonLines.Select(Parse)
            .Where(e => e is not null && (string?)e["type"] == "summary")
            .Select(e => (string?)e!["summary"])
            .LastOrDefault(s => !string.IsNullOrWhiteSpace(s));

    private static string Text(JsonNode? content) => content switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s.Trim(),
        JsonArray blocks => string.Join("\n", blocks
            .OfType<JsonObject>()
            .Where(b => (string?)b["type"] == "text")
            .Select(b => ((string?)b["text"] ?? "").Trim())
            .Where(s => s.Length > 0)),
        _ => "",
    };

    private static JsonObject? Parse(string line)
    {
        try
        {
            return string.IsNullOrWhiteSpace(line) ? null : JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();
}
