using System.Globalization;
using System.Net;
using LanguageExt;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Scheduling;
using NanoClaw.Core.Status;
using NanoClaw.Shell.Dashboard;
using NanoClaw.Shell.Store;
using static LanguageExt.Prelude;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Tests.Dashboard;

/// <summary>
/// The dashboard server on a real store (known rows) in a real headless Chromium: the token gate, the usage chart,
/// hostile text, run logs; and the HTTP rules a browser does not show (Host, Origin, cookies).
/// </summary>
[Trait("Category", "Dashboard")]
public sealed class DashboardPageTests : IAsyncLifetime
{
    private const string Hostile = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">";
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private readonly string root = Path.Combine(Path.GetTempPath(), "nanoclaw-dash-" + Guid.NewGuid().ToString("N")[..10]);
    private NanoClawStore store = null!;
    private DashboardServer server = null!;
    private int tasksChanged;

    private string StoreDir => Path.Combine(root, "store");
    private string RunLogsDir => Path.Combine(root, "logs", "runs");

    public async Task InitializeAsync()
    {
        store = NanoClawStore.Open(StoreDir, "Andy", Serilog.Core.Logger.None);
        store.Groups.Upsert(new RegisteredGroup("local:main", "Main", "main", "@Andy", "2026-01-01T00:00:00.000Z", None, false, true));
        store.Groups.Upsert(new RegisteredGroup("120363@g.us", Hostile, "family", "@Andy", "2026-01-01T00:00:00.000Z", None, true, false));
        store.Tasks.Create(new ScheduledTask("t-evil", "family", "120363@g.us", Hostile, ScheduleType.Interval, "3600000", ContextMode.Group,
            None, Some("2026-11-21T08:00:00.000Z"), None, None, TaskStatus.Active, "2026-11-01T00:00:00.000Z"));
        // Known usage: three days with data (two turns on the 18th), one group each side, one day in the middle without.
        Turn("nanoclaw-main-1", "main", Now.AddDays(-5), 0.10m);
        Turn("nanoclaw-main-2", "main", Now.AddDays(-2), 0.20m, 0.05m);
        Turn("nanoclaw-family-3", "family", Now.AddDays(-1), 0.40m);
        Turn("nanoclaw-family-0", "family", Now.AddDays(-40), 9m); // older than the charts' 14 days
        var status = new DaemonStatus(Seq1(new ChannelStatus("local", true)),
            Seq1(new RunningStatus("main", "local:main", Some("nanoclaw-main-9"), Some(Now), true, false, None)),
            Empty, Empty, Empty, Empty, 5);
        var sources = new DashboardSources(store, () => status, TimeZoneInfo.Utc, new FakeTimeProvider(Now), TaskLimits.Default, RunLogsDir,
            () => Interlocked.Increment(ref tasksChanged));
        server = await DashboardServer.StartAsync(sources, StoreDir, 0, Serilog.Core.Logger.None);
    }

    private void Turn(string container, string folder, DateTimeOffset at, params decimal[] costs)
    {
        var run = store.Usage.RunStarted(container, folder, folder == "main" ? "local:main" : "120363@g.us", None, at);
        foreach (var cost in costs) store.Usage.TurnEnded(run, at.AddMinutes(1), new TurnUsage(100, 10, 0, 0, cost, 1, 100));
        store.Usage.RunEnded(run, 61_000, "success", None);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    private string Base => $"http://127.0.0.1:{server.Port}";

    private HttpClient Client(bool withCookie) => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
    {
        BaseAddress = new Uri(Base),
        DefaultRequestHeaders = { { "Cookie", withCookie ? $"nanoclaw_dashboard_{server.Port}={server.Token}" : "x=y" } },
    };

    [Fact]
    public void The_token_is_32_random_bytes_stored_owner_only_in_the_store_and_the_port_is_recorded()
    {
        var path = Path.Combine(StoreDir, DashboardToken.TokenFile);
        Assert.True(DashboardToken.IsWellFormed(server.Token));
        Assert.Equal(server.Token, File.ReadAllText(path).Trim());
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(server.Port, DashboardToken.ReadPort(StoreDir));
        Assert.Equal(server.Token, DashboardToken.LoadOrCreate(StoreDir)); // kept across starts
    }

    [ChromiumFact]
    public async Task The_page_loads_with_the_token_and_refuses_without_it()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        var refused = await page.GotoAsync(Base + "/");
        Assert.Equal(401, refused!.Status);
        var wrong = await page.GotoAsync(Base + "/?token=" + new string('A', 43));
        Assert.Equal(401, wrong!.Status);
        Assert.Empty(await context.CookiesAsync());

        var loaded = await page.GotoAsync(server.Url);
        Assert.Equal(200, loaded!.Status);
        Assert.Equal(Base + "/", page.Url); // the token left the address bar
        Assert.Equal("NanoClaw", await page.TitleAsync());
        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Null(await page.EvaluateAsync<string?>("document.cookie.includes('nanoclaw') ? 'visible' : null")); // HttpOnly
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "yes"); // the event stream answered
        await Assertions.Expect(page.Locator("tr.group[data-folder=main] td.state")).ToHaveTextAsync("busy");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ArtefactPath("dashboard.png"), FullPage = true });
    }

    [ChromiumFact]
    public async Task The_usage_chart_has_one_bar_per_day_with_data_heights_proportional_to_cost()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(server.Url);

        var bars = page.Locator("svg#usage-by-day rect.bar");
        var keys = await bars.EvaluateAllAsync<string[]>("bs => bs.map(b => b.dataset.key)");
        var heights = (await bars.EvaluateAllAsync<string[]>("bs => bs.map(b => b.getAttribute('height'))"))
            .Select(h => double.Parse(h, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(["2026-11-15", "2026-11-18", "2026-11-19"], keys);
        Assert.Equal([0.10 / 0.40 * 160, 0.25 / 0.40 * 160, 160], heights.Select(h => Math.Round(h, 1)).ToList());
        var groups = await page.Locator("svg#usage-by-group rect.bar").EvaluateAllAsync<string[]>("bs => bs.map(b => b.dataset.key + '=' + b.dataset.value)");
        Assert.Equal(["family=0.40", "main=0.35"], groups);
        Assert.Contains("3 runs, 4 turns", await page.Locator("body").InnerTextAsync());
    }

    [ChromiumFact]
    public async Task A_hostile_group_name_and_task_prompt_show_as_text_and_run_no_script()
    {
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(server.Url);
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "yes"); // the SSE fragment is in too

        Assert.Null(await page.EvaluateAsync<int?>("window.pwned ?? null"));
        Assert.Equal(Hostile, await page.Locator("tr.group[data-folder=family] td").First.InnerTextAsync());
        Assert.Equal(Hostile, await page.Locator("tr.task[data-id=t-evil] td.prompt").InnerTextAsync());
        Assert.Equal(0, await page.Locator("img").CountAsync());
    }

    [Fact]
    public async Task Every_route_refuses_without_the_cookie_and_posts_need_our_origin_and_host()
    {
        using var anonymous = Client(withCookie: false);
        foreach (var path in new[] { "/", "/events", "/runs/1/log" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/tasks/t-evil/pause", null)).StatusCode);

        using var signedIn = Client(withCookie: true);
        async Task<HttpStatusCode> Post(string? origin, string? host = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks/t-evil/pause");
            if (origin is not null) request.Headers.Add("Origin", origin);
            if (host is not null) request.Headers.Host = host;
            return (await signedIn.SendAsync(request)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.Forbidden, await Post(null));
        Assert.Equal(HttpStatusCode.Forbidden, await Post("http://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await Post(Base, host: $"evil.example:{server.Port}")); // DNS rebinding
        using (var rebound = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = $"evil.example:{server.Port}" } })
            Assert.Equal(HttpStatusCode.Forbidden, (await signedIn.SendAsync(rebound)).StatusCode);
        Assert.Equal(TaskStatus.Active, store.Tasks.Get("t-evil").Map(t => t.Status).IfNone(TaskStatus.Completed));

        Assert.Equal(HttpStatusCode.OK, await Post(Base));
        Assert.Equal(TaskStatus.Paused, store.Tasks.Get("t-evil").Map(t => t.Status).IfNone(TaskStatus.Completed));
        Assert.Equal(1, tasksChanged);
        // Run-now is refused for a paused task, by the same rule as `nanoclaw tasks run-now`.
        using var runNow = new HttpRequestMessage(HttpMethod.Post, "/api/tasks/t-evil/run-now") { Headers = { { "Origin", Base } } };
        var refused = await signedIn.SendAsync(runNow);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("paused", await refused.Content.ReadAsStringAsync());
        using var unknown = new HttpRequestMessage(HttpMethod.Post, "/api/tasks/nope/pause") { Headers = { { "Origin", Base } } };
        Assert.Equal(HttpStatusCode.Conflict, (await signedIn.SendAsync(unknown)).StatusCode);
    }

    [Fact]
    public async Task A_runs_log_is_found_by_its_stored_id_only_and_shown_encoded()
    {
        var run = store.Usage.RecentRuns(10).Find(r => r.ContainerName == "nanoclaw-family-3").IfNone(() => throw new InvalidOperationException());
        var dir = Path.Combine(RunLogsDir, "family");
        Directory.CreateDirectory(dir);
        var started = IsoTimestamp.Parse(run.StartedAt).IfNone(Now);
        File.WriteAllText(Path.Combine(dir, "container-" + started.UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss-fff'Z'", CultureInfo.InvariantCulture) + ".log"),
            $"=== Container Run Log ===\nStarted: {run.StartedAt}\nGroup: x (family)\nContainer: nanoclaw-family-3\nStdout: {Hostile}\n");
        File.WriteAllText(Path.Combine(dir, "container-" + started.AddSeconds(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss-fff'Z'", CultureInfo.InvariantCulture) + ".log"),
            "=== Container Run Log ===\nContainer: nanoclaw-family-OTHER\n");
        using var client = Client(withCookie: true);

        var html = await client.GetStringAsync($"/runs/{run.Id}/log");
        Assert.Contains("Container: nanoclaw-family-3", html);
        Assert.Contains(WebUtility.HtmlEncode(Hostile), html);
        Assert.DoesNotContain("<script>window", html);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/runs/99999/log")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/runs/..%2F..%2Fetc%2Fpasswd/log")).StatusCode);
        var other = store.Usage.RecentRuns(10).Find(r => r.ContainerName == "nanoclaw-main-1").IfNone(() => throw new InvalidOperationException());
        Assert.Contains("id=\"no-log\"", await client.GetStringAsync($"/runs/{other.Id}/log"));
    }
}
