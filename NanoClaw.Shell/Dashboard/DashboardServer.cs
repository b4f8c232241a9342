using System.Net;
using System.Text;
using LanguageExt;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NanoClaw.Core.Scheduling;
using NanoClaw.Core.Status;
using NanoClaw.Core.Usage;
using NanoClaw.Shell.Scheduling;
using NanoClaw.Shell.Store;
using static LanguageExt.Prelude;
using ILogger = Serilog.ILogger;

namespace NanoClaw.Shell.Dashboard;

/// <summary>What the dashboard shows and changes; the daemon passes its live parts, tests a real store and a fixed status.</summary>
/// <param name="Store">The store (groups, tasks, usage, runs).</param>
/// <param name="Status">The status view now (the same facts as <c>nanoclaw status</c>).</param>
/// <param name="Zone">The configured time zone (usage days).</param>
/// <param name="Clock">The clock.</param>
/// <param name="Limits">Task limits (the task rules need them).</param>
/// <param name="RunLogsDir">The host-only run log directory (<c>logs/runs</c>).</param>
/// <param name="TasksChanged">Tells the daemon a task changed (reload groups and re-arm the timer).</param>
public sealed record DashboardSources(NanoClawStore Store, Func<DaemonStatus> Status, TimeZoneInfo Zone, TimeProvider Clock,
    TaskLimits Limits, string RunLogsDir, Action TasksChanged);

/// <summary>
/// The local dashboard: Kestrel on 127.0.0.1 only, server-rendered HTML, server-sent events for the groups' state,
/// POSTs for the task buttons. Every route needs the token (<see cref="DashboardAccess"/>). The groups fragment is
/// pushed when the daemon's state changes (<see cref="Notify"/>) and only when it differs from the last one sent.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    /// <summary>Days the usage charts cover.</summary>
    public const int UsageDays = 14;

    /// <summary>Runs the page lists.</summary>
    public const int RecentRunCount = 25;

    private readonly WebApplication app;
    private readonly DashboardSources sources;
    private readonly string storeDir;
    private readonly ILogger log;
    private AcceptedSocketTransport? transport;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DashboardServer(WebApplication app, DashboardSources sources, string storeDir, ILogger log)
    {
        this.app = app;
        this.sources = sources;
        this.storeDir = storeDir;
        this.log = log;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The access token.</summary>
    public string Token { get; private set; } = "";

    /// <summary>The link with the token (what <c>nanoclaw dashboard url</c> prints).</summary>
    public string Url => UrlFor(Port, Token);

    public static string UrlFor(int port, string token) => $"http://127.0.0.1:{port}/?token={token}";

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0 = any free port) and records the port.</summary>
    public static async Task<DashboardServer> StartAsync(DashboardSources sources, string storeDir, int port, ILogger log, CancellationToken ct = default)
    {
        log = log.ForContext<DashboardServer>();
        var token = DashboardToken.LoadOrCreate(storeDir);
        var server = await StartKestrelAsync(sources, storeDir, token, log, k => k.Listen(IPAddress.Loopback, port), null, ct);
        server.Port = server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a).Port).First();
        DashboardToken.WritePort(storeDir, server.Port);
        log.Information("Dashboard listening on http://127.0.0.1:{Port}/ (open the link `nanoclaw dashboard url` prints)", server.Port);
        return server;
    }

    /// <summary>
    /// Starts Kestrel on connections accepted elsewhere (<see cref="LazyDashboard"/>: the port is bound and recorded
    /// at the daemon's start, Kestrel starts with the first connection).
    /// </summary>
    internal static async Task<DashboardServer> StartOnAcceptedAsync(DashboardSources sources, string storeDir, string token, int port,
        System.Threading.Channels.ChannelReader<System.Net.Sockets.Socket> accepted, ILogger log, CancellationToken ct)
    {
        var transport = new AcceptedSocketTransport(accepted);
        var server = await StartKestrelAsync(sources, storeDir, token, log, k => k.Listen(AcceptedSocketTransport.Endpoint), transport, ct);
        server.Port = port;
        server.transport = transport;
        return server;
    }

    private static async Task<DashboardServer> StartKestrelAsync(DashboardSources sources, string storeDir, string token, ILogger log,
        Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions> listen, AcceptedSocketTransport? transport, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64 * 1024;
            listen(k);
        });
        // Registered after Kestrel's own socket transport, so Kestrel asks this one first (it binds only its endpoint).
        if (transport is not null) builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IConnectionListenerFactory>(transport);
        var app = builder.Build();
        var server = new DashboardServer(app, sources, storeDir, log) { Token = token };
        var access = new DashboardAccess(token, () => server.Port);
        app.Use(async (http, next) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers["X-Frame-Options"] = "DENY";
            http.Response.Headers["X-Content-Type-Options"] = "nosniff";
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'";
            if (!access.IsOwnHost(http.Request))
            {
                await Plain(http, StatusCodes.Status403Forbidden, "wrong host: open the dashboard at 127.0.0.1");
                return;
            }
            if (HttpMethods.IsGet(http.Request.Method) && http.Request.Query.ContainsKey("token"))
            {
                if (!access.HasQueryToken(http.Request))
                {
                    await Plain(http, StatusCodes.Status401Unauthorized, "wrong token: open the link `nanoclaw dashboard url` prints");
                    return;
                }
                // The token leaves the address bar (and the history) at once; from now on the cookie carries it.
                access.SetCookie(http.Response);
                http.Response.Redirect(http.Request.Path.HasValue ? http.Request.Path.Value! : "/");
                return;
            }
            if (!access.HasCookie(http.Request))
            {
                await Plain(http, StatusCodes.Status401Unauthorized, "not signed in: open the link `nanoclaw dashboard url` prints");
                return;
            }
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !access.IsOwnOrigin(http.Request))
            {
                await Plain(http, StatusCodes.Status403Forbidden, "cross-site request refused");
                return;
            }
            await next(http);
        });
        app.MapGet("/", server.PageAsync);
        app.MapGet("/events", server.EventsAsync);
        app.MapGet("/runs/{id:long}/log", (HttpContext http, long id) => server.LogAsync(http, id));
        app.MapPost("/api/tasks/{id}/{action}", (HttpContext http, string id, string action) => server.TaskAsync(http, id, action));
        await app.StartAsync(ct);
        return server;
    }

    /// <summary>
    /// The daemon's dashboard when <paramref name="options"/> enable it; null when off or when it cannot listen (the
    /// port is taken): the daemon runs on without it, saying why. The port is bound and recorded now; Kestrel starts
    /// with the first connection (<see cref="LazyDashboard"/>).
    /// </summary>
    public static LazyDashboard? TryStart(Core.Config.DashboardOptions options, DashboardSources sources, string storeDir, ILogger log)
    {
        if (!options.Enabled) return null;
        try
        {
            return LazyDashboard.Listen(sources, storeDir, options.Port, log);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            log.Warning("Dashboard not started: cannot listen on 127.0.0.1:{Port}: {Error}", options.Port, e.Message);
            return null;
        }
    }

    /// <summary>The daemon's state changed: live pages re-render their groups (cheap when nobody watches).</summary>
    public void Notify() => Interlocked.Exchange(ref changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private string GroupsFragment()
    {
        var status = sources.Status();
        return DashboardPage.Groups(GroupStates.From(sources.Store.Groups.All(), status), status);
    }

    private async Task PageAsync(HttpContext http)
    {
        var store = sources.Store;
        var now = sources.Clock.GetUtcNow();
        var since = now.AddDays(-UsageDays);
        var turns = store.Usage.Turns(Some(since), None);
        var byDay = UsageReports.Summarize(turns, UsageGrouping.Day, sources.Zone);
        var byGroup = UsageReports.Summarize(turns, UsageGrouping.Group, sources.Zone);
        var metric = UsageChart.MetricFor(byDay.Total);
        var runs = store.Usage.RecentRuns(RecentRunCount);
        var oldest = runs.Map(r => r.StartedAt).OrderBy(s => s, StringComparer.Ordinal).HeadOrNone();
        var runTurns = oldest.Case is string o
            ? store.Usage.Turns(Core.Domain.IsoTimestamp.Parse(o), None).GroupBy(t => t.RunId).ToDictionary(g => g.Key, g => g.ToList())
            : [];
        var rows = runs.Map(r => runTurns.TryGetValue(r.Id, out var ts)
            ? new RunRow(r, ts.Sum(t => t.Usage.CostUsd), ts.Count)
            : new RunRow(r, 0m, 0));
        var note = $"{byDay.Total.Runs} runs, {byDay.Total.Turns} turns, " +
                   $"{UsageChart.Shown(byDay.Total.Usage.CostUsd, ChartMetric.Cost)}, " +
                   $"{byDay.Total.Usage.InputTokens + byDay.Total.Usage.OutputTokens} tokens in and out; bars show " +
                   (metric == ChartMetric.Cost ? "cost" : "tokens");
        var html = DashboardPage.Render(GroupsFragment(), store.Tasks.ListAll(),
            UsageChart.Svg("usage-by-day", "Usage per day", byDay.Lines, metric),
            UsageChart.Svg("usage-by-group", "Usage per group", byGroup.Lines, metric), rows, note);
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(html, http.RequestAborted);
    }

    private async Task EventsAsync(HttpContext http)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        // The stream also ends when the daemon stops: Kestrel's stop waits for open requests, and an endless event
        // stream would hold the daemon's SIGTERM → exit for DisposeAsync's whole 5 s limit.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, app.Lifetime.ApplicationStopping);
        var token = ended.Token;
        string? last = null;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var next = Volatile.Read(ref changed).Task;
                var fragment = GroupsFragment();
                if (fragment != last)
                {
                    await http.Response.WriteAsync(Event("groups", fragment), token);
                    await http.Response.Body.FlushAsync(token);
                    last = fragment;
                }
                else
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", token); // an SSE comment; proxies and browsers keep the stream
                    await http.Response.Body.FlushAsync(token);
                }
                // Woken by the daemon's next state change; a slow refresh catches facts outside the fold (channel links).
                await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(15), token));
                // Bursts of events (a busy daemon folds many per second) become one update.
                await Task.Delay(TimeSpan.FromMilliseconds(100), token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }

    /// <summary>An SSE event: each line of the data becomes its own <c>data:</c> line (the browser joins them with \n).</summary>
    public static string Event(string name, string data)
    {
        var w = new StringBuilder("event: ").Append(name).Append('\n');
        foreach (var line in data.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n')) w.Append("data: ").Append(line).Append('\n');
        return w.Append('\n').ToString();
    }

    private async Task LogAsync(HttpContext http, long id)
    {
        // Only ids the store knows; the file is found from the stored run, never from the request.
        if (sources.Store.Usage.Run(id).Case is not Store.Repositories.StoredRun run)
        {
            await Plain(http, StatusCodes.Status404NotFound, "no such run");
            return;
        }
        var text = RunLogLookup.Find(sources.RunLogsDir, run).MatchUnsafe(t => t, () => (string?)null);
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(DashboardPage.Log(run, text), http.RequestAborted);
    }

    private async Task TaskAsync(HttpContext http, string id, string action)
    {
        TaskAction? parsed = action switch
        {
            "pause" => TaskAction.Pause,
            "resume" => TaskAction.Resume,
            "run-now" => TaskAction.RunNow,
            _ => null,
        };
        if (parsed is not { } act)
        {
            await Plain(http, StatusCodes.Status404NotFound, "unknown action");
            return;
        }
        var result = TaskActions.Perform(sources.Store, sources.Limits, sources.Zone, sources.Clock.GetUtcNow(), None, id, act);
        if (result.IsRight) sources.TasksChanged();
        log.Information("Dashboard: {Action} task {Task}: {Result}", action, Logging.LogText.Escape(id), result.Match(ok => "done", reason => "refused"));
        await result.Match(
            done => Plain(http, StatusCodes.Status200OK, done),
            reason => Plain(http, StatusCodes.Status409Conflict, reason));
    }

    private static Task Plain(HttpContext http, int status, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(text + "\n");
    }

    public async ValueTask DisposeAsync()
    {
        DashboardToken.DeletePort(storeDir);
        Notify();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await app.StopAsync(limit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
        await app.DisposeAsync();
        if (transport is not null) await transport.DisposeAsync();
    }
}
