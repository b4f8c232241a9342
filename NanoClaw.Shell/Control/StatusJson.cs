using System.Text.Json.Nodes;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Status;

namespace NanoClaw.Shell.Control;

/// <summary>The status view on the wire (control socket → <c>nanoclaw status --json</c>), and as text for people.</summary>
public static class StatusJson
{
    public static JsonObject Render(DaemonStatus status) => new()
    {
        ["channels"] = Array(status.Channels.Map(c => new JsonObject { ["name"] = c.Name, ["connected"] = c.Connected })),
        ["maxConcurrent"] = status.MaxConcurrent,
        ["running"] = Array(status.Running.Map(r => new JsonObject
        {
            ["group"] = r.Group,
            ["jid"] = r.GroupJid,
            ["container"] = Str(r.Container),
            ["since"] = Str(r.Since.Map(IsoTimestamp.From)),
            ["state"] = r.Busy ? "busy" : "idle",
            ["closing"] = r.Closing,
            ["task"] = Str(r.TaskId),
        })),
        ["waiting"] = Array(status.Waiting.Map(w => new JsonObject { ["group"] = w.Group, ["messages"] = w.Messages, ["tasks"] = w.Tasks })),
        ["retries"] = Array(status.Retries.Map(r => new JsonObject { ["group"] = r.Group, ["attempt"] = r.Attempt, ["failures"] = r.Failures })),
        ["nextTasks"] = Array(status.NextTasks.Map(t => new JsonObject { ["id"] = t.TaskId, ["group"] = t.Group, ["nextRun"] = t.NextRun })),
        ["lastErrors"] = Array(status.LastErrors.Map(e => new JsonObject { ["group"] = e.Group, ["at"] = e.At, ["error"] = e.Error })),
    };

    /// <summary>Sections for a terminal. Every string came from the daemon, so control characters are shown escaped.</summary>
    public static string Text(JsonObject status)
    {
        var w = new System.Text.StringBuilder();
        IEnumerable<JsonObject> Items(string key) => (status[key] as JsonArray ?? []).OfType<JsonObject>();
        string S(JsonObject o, string key) => Clean(o[key] is JsonValue v ? v.ToString() : "-");

        w.AppendLine("Channels: " + string.Join(", ", Items("channels").Select(c => $"{S(c, "name")} {((bool?)c["connected"] == true ? "connected" : "DISCONNECTED")}")));
        w.AppendLine();
        w.AppendLine($"Running containers ({Items("running").Count()} of {status["maxConcurrent"]}):");
        w.Append(Indent(Cli.Table.Format(["GROUP", "CONTAINER", "SINCE", "STATE", "TASK"],
            Items("running").Select(r => new[]
            {
                S(r, "group"), S(r, "container"), S(r, "since"),
                S(r, "state") + ((bool?)r["closing"] == true ? ", closing" : ""), S(r, "task"),
            }), "none")));
        w.AppendLine("Waiting for a slot: " + List(Items("waiting").Select(x => $"{S(x, "group")} ({Work(x)})")));
        w.AppendLine("Retries pending: " + List(Items("retries").Select(x => $"{S(x, "group")} (attempt {S(x, "attempt")} after {S(x, "failures")} failures)")));
        w.AppendLine();
        w.AppendLine("Next task runs:");
        w.Append(Indent(Cli.Table.Format(["TASK", "GROUP", "NEXT RUN (UTC)"],
            Items("nextTasks").Select(t => new[] { S(t, "id"), S(t, "group"), S(t, "nextRun") }), "none")));
        w.AppendLine();
        w.AppendLine("Last error per group:");
        w.Append(Indent(Cli.Table.Format(["GROUP", "AT", "ERROR"],
            Items("lastErrors").Select(e => new[] { S(e, "group"), S(e, "at"), OneLine(S(e, "error"), 100) }), "none")));
        return w.ToString();

        static string Work(JsonObject x) => string.Join(", ", new[]
        {
            (bool?)x["messages"] == true ? "messages" : null,
            (int?)x["tasks"] is > 0 and var n ? $"{n} task(s)" : null,
        }.Where(s => s is not null));
    }

    private static string List(IEnumerable<string> items) => items.ToList() is { Count: > 0 } l ? string.Join(", ", l) : "none";

    private static string Indent(string text) =>
        string.Concat(text.Split(Environment.NewLine).Where(l => l.Length > 0).Select(l => "  " + l + Environment.NewLine));

    private static string OneLine(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Clean(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    // Not Match: LanguageExt refuses a null result from it.
    private static JsonNode? Str(Option<string> value) => value.Case is string v ? JsonValue.Create(v) : null;

    private static JsonArray Array(Seq<JsonObject> items) => new(items.Select(i => (JsonNode?)i).ToArray());
}
