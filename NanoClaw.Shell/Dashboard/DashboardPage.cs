using System.Globalization;
using System.Net;
using System.Text;
using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Status;
using NanoClaw.Core.Usage;
using NanoClaw.Shell.Store.Repositories;

namespace NanoClaw.Shell.Dashboard;

/// <summary>A recent run as the page lists it.</summary>
public sealed record RunRow(StoredRun Run, decimal CostUsd, int Turns);

/// <summary>
/// The dashboard's HTML, rendered on the server. Every string from the store, a chat or an agent goes through
/// <see cref="E"/>; the only script is the page's own (server-sent events and the task buttons), which sets no HTML
/// of its own: the groups fragment it swaps in was rendered (and encoded) here.
/// </summary>
public static class DashboardPage
{
    /// <summary>HTML-encodes text (element content and quoted attributes).</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>The groups table (also the payload of each <c>groups</c> event).</summary>
    public static string Groups(Seq<GroupState> groups, DaemonStatus status)
    {
        var w = new StringBuilder();
        w.Append(CultureInfo.InvariantCulture, $"<p class=\"summary\">Channels: ");
        w.Append(string.Join(", ", status.Channels.Map(c => $"<span class=\"channel {(c.Connected ? "up" : "down")}\">{E(c.Name)} {(c.Connected ? "connected" : "DISCONNECTED")}</span>")));
        w.Append(CultureInfo.InvariantCulture, $" · containers {status.Running.Count} of {status.MaxConcurrent}</p>");
        w.Append("<table id=\"group-table\"><thead><tr><th>Group</th><th>Folder</th><th>State</th><th>Container</th><th>Last error</th></tr></thead><tbody>");
        foreach (var g in groups)
            w.Append($"<tr class=\"group\" data-folder=\"{E(g.Folder)}\"><td>{E(g.Name)}</td><td>{E(g.Folder)}</td>")
                .Append($"<td class=\"state state-{E(g.State)}\">{E(g.State)}</td><td>{E(g.Container.IfNone("-"))}</td>")
                .Append($"<td class=\"error\">{E(OneLine(g.LastError.IfNone(""), 160))}</td></tr>");
        if (groups.IsEmpty) w.Append("<tr><td colspan=\"5\">No registered groups.</td></tr>");
        return w.Append("</tbody></table>").ToString();
    }

    /// <summary>The whole page.</summary>
    public static string Render(string groupsFragment, Seq<ScheduledTask> tasks, string usageByDay, string usageByGroup,
        Seq<RunRow> runs, string usageNote)
    {
        var w = new StringBuilder();
        w.Append("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>NanoClaw</title>
            <meta name="referrer" content="no-referrer">
            <style>
            body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}
            table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left;font-size:.9rem;vertical-align:top}
            .state-busy{color:#b60}.state-idle{color:#070}.state-waiting,.state-retrying,.state-closing{color:#a00}.channel.down{color:#a00}
            .chart .bar{fill:#4a7fb5}.chart text{font-size:10px;fill:#444}.charts{display:flex;gap:2rem;flex-wrap:wrap}
            .error{color:#a00;max-width:30rem}#task-result{min-height:1.2rem;font-weight:bold}pre{white-space:pre-wrap}
            </style></head><body>
            <h1>NanoClaw</h1>
            <h2>Groups <small id="live">(connecting…)</small></h2>
            <div id="groups">
            """);
        w.Append(groupsFragment).Append("</div>");

        w.Append("<h2>Tasks</h2><p id=\"task-result\"></p><table id=\"task-table\"><thead><tr><th>Id</th><th>Group</th><th>Status</th><th>Schedule</th><th>Next run (UTC)</th><th>Prompt</th><th></th></tr></thead><tbody>");
        foreach (var t in tasks)
        {
            var status = t.Status.ToString().ToLowerInvariant();
            w.Append($"<tr class=\"task\" data-id=\"{E(t.Id)}\"><td>{E(t.Id)}</td><td>{E(t.GroupFolder)}</td><td class=\"task-status\">{E(status)}</td>")
                .Append($"<td>{E(t.ScheduleType.ToString().ToLowerInvariant())} {E(t.ScheduleValue)}</td><td class=\"next-run\">{E(t.NextRun.IfNone("-"))}</td>")
                .Append($"<td class=\"prompt\">{E(OneLine(t.Prompt, 120))}</td><td>");
            if (t.Status == Core.Domain.TaskStatus.Active)
                w.Append(Button("pause", t.Id)).Append(Button("run-now", t.Id));
            else if (t.Status == Core.Domain.TaskStatus.Paused)
                w.Append(Button("resume", t.Id));
            w.Append("</td></tr>");
        }
        if (tasks.IsEmpty) w.Append("<tr><td colspan=\"7\">No scheduled tasks.</td></tr>");
        w.Append("</tbody></table>");

        w.Append("<h2>Usage (last 14 days)</h2><p>").Append(E(usageNote)).Append("</p><div class=\"charts\"><figure>")
            .Append(usageByDay).Append("<figcaption>per day</figcaption></figure><figure>")
            .Append(usageByGroup).Append("<figcaption>per group</figcaption></figure></div>");

        w.Append("<h2>Recent runs</h2><table id=\"run-table\"><thead><tr><th>Run</th><th>Group</th><th>Task</th><th>Started (UTC)</th><th>Duration</th><th>Outcome</th><th>Turns</th><th>Cost</th><th></th></tr></thead><tbody>");
        foreach (var r in runs)
        {
            var run = r.Run;
            w.Append(CultureInfo.InvariantCulture, $"<tr class=\"run\" data-id=\"{run.Id}\"><td>{run.Id}</td><td>{E(run.GroupFolder)}</td><td>{E(run.TaskId.IfNone("-"))}</td>")
                .Append($"<td>{E(run.StartedAt)}</td><td>{E(run.DurationMs.Map(Duration).IfNone("-"))}</td>")
                .Append($"<td class=\"outcome outcome-{E(run.Outcome)}\" title=\"{E(run.Error.IfNone(""))}\">{E(run.Outcome)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{r.Turns}</td><td>{E(UsageChart.Shown(r.CostUsd, ChartMetric.Cost))}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td><a href=\"/runs/{run.Id}/log\">log</a></td></tr>");
        }
        if (runs.IsEmpty) w.Append("<tr><td colspan=\"9\">No runs yet.</td></tr>");
        w.Append("</tbody></table>");

        w.Append("""
            <script>
            (function(){
              const live = document.getElementById('live');
              const events = new EventSource('/events');
              events.addEventListener('groups', e => { document.getElementById('groups').innerHTML = e.data; live.textContent = '(live)'; document.body.dataset.live = 'yes'; });
              events.onerror = () => { live.textContent = '(reconnecting…)'; };
              for (const b of document.querySelectorAll('button[data-action]')) {
                b.addEventListener('click', async () => {
                  const out = document.getElementById('task-result');
                  const r = await fetch('/api/tasks/' + encodeURIComponent(b.dataset.id) + '/' + b.dataset.action, { method: 'POST' });
                  out.textContent = await r.text();
                  out.dataset.status = String(r.status);
                  if (r.ok) setTimeout(() => location.reload(), 800);
                });
              }
            })();
            </script></body></html>
            """);
        return w.ToString();
    }

    /// <summary>A run's log as a page.</summary>
    public static string Log(StoredRun run, string? text) =>
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Run {run.Id}</title></head><body>" +
        $"<p><a href=\"/\">back</a></p><h1>Run {run.Id}: {E(run.GroupFolder)} ({E(run.Outcome)})</h1>" +
        (text is null ? "<p id=\"no-log\">No log file for this run (it may still be running, or its log was removed).</p>" : $"<pre id=\"log\">{E(text)}</pre>") +
        "</body></html>";

    private static string Button(string action, string id) =>
        $"<button type=\"button\" data-action=\"{action}\" data-id=\"{E(id)}\">{action}</button>";

    private static string Duration(long ms) =>
        ms < 1000 ? FormattableString.Invariant($"{ms} ms")
        : ms < 120_000 ? FormattableString.Invariant($"{ms / 1000.0:0.0} s")
        : FormattableString.Invariant($"{ms / 60000.0:0.0} min");

    private static string OneLine(string text, int max)
    {
        var line = string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }
}
