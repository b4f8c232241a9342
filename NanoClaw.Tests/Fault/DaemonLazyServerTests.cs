using System.Net;
using System.Text.Json.Nodes;
using NanoClaw.Shell.Dashboard;
using NanoClaw.Tests.Security;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.Fault;

/// <summary>
/// The credential proxy's server and the dashboard's Kestrel start on first use (issue 16, Daemon/README.md): a real
/// daemon is "running" without them, and the first container, or the first browser connection, still gets them.
/// </summary>
[Trait("Category", "Fault")]
public sealed class DaemonLazyServerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static Task WaitForRunningAsync(DaemonHarness daemon) =>
        daemon.WaitForOutputAsync(lines => lines.Any(l => l.Contains("NanoClaw running", StringComparison.Ordinal)), Wait, "the daemon to run");

    [Fact]
    public async Task The_first_container_after_ready_gets_the_credential_proxy()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var daemon = new DaemonHarness(credentialProxy: true,
            credentials: $"anthropic_api_key: {api.ApiKey}\nanthropic_base_url: {api.BaseUrl}\n");
        await daemon.StartAsync();
        await WaitForRunningAsync(daemon);
        var proxyDir = Path.Combine(daemon.DataDir, "proxy");
        // Ready without the server: the socket directory is prepared, nothing listens yet.
        Assert.Contains("Credential proxy ready on per-run sockets", daemon.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Credential proxy on", daemon.Output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(proxyDir), "the proxy's socket directory is made at start");
        Assert.Empty(Directory.GetFiles(proxyDir, "*.sock"));

        await using var chat = await ChatSession.OpenAsync(daemon);
        await chat.SendAsync("main", "hello");
        Assert.NotEmpty(await chat.WaitForRepliesAsync(1, Wait));

        // The run (its container idles, waiting for input) has its socket, and the proxy behind it forwards.
        var socket = Assert.Single(Directory.GetFiles(proxyDir, "*.sock"));
        var stdin = JsonNode.Parse(File.ReadAllText(Directory.GetFiles(daemon.CaptureDir).First()))!;
        var token = (string)stdin["secrets"]!["ANTHROPIC_API_KEY"]!;
        using (var http = ProxySocketClient.For(socket))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
            {
                Content = new StringContent("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"""),
            };
            request.Headers.Add("x-api-key", token);
            using var response = await http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"proxy answered {response.StatusCode}");
        }
        Assert.Equal(api.ApiKey, api.Requests.Last().Headers["x-api-key"]);
        Assert.Contains("Credential proxy on per-run sockets", daemon.Output, StringComparison.Ordinal);

        Assert.Equal(0, await daemon.StopAsync(Wait));
        Assert.Empty(Directory.GetFiles(proxyDir, "*.sock"));
    }

    [Fact]
    public async Task The_dashboard_starts_on_its_first_connection_and_serves_it()
    {
        await using var daemon = new DaemonHarness();
        await daemon.StartAsync();
        await WaitForRunningAsync(daemon);
        var storeDir = Path.Combine(daemon.Root, "store");
        // The port is bound and recorded at start; Kestrel is not running yet.
        var port = DashboardToken.ReadPort(storeDir);
        Assert.NotNull(port);
        var token = DashboardToken.Read(storeDir);
        Assert.NotNull(token);
        Assert.DoesNotContain("Dashboard server started", daemon.Output, StringComparison.Ordinal);

        // The first connection is the page itself: it is answered (token → cookie → page with the groups).
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() });
        var page = await http.GetAsync(DashboardServer.UrlFor(port!.Value, token!));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("data-folder=\"main\"", html, StringComparison.Ordinal);
        Assert.Contains("Dashboard server started", daemon.Output, StringComparison.Ordinal);
        // Later connections reach the same server; a request without the cookie is still refused.
        using var bare = new HttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await bare.GetAsync($"http://127.0.0.1:{port}/")).StatusCode);

        Assert.Equal(0, await daemon.StopAsync(Wait));
        Assert.Null(DashboardToken.ReadPort(storeDir));
    }

    [Fact]
    public async Task A_dashboard_nobody_opened_stops_with_the_daemon()
    {
        await using var daemon = new DaemonHarness();
        await daemon.StartAsync();
        await WaitForRunningAsync(daemon);
        var storeDir = Path.Combine(daemon.Root, "store");
        var port = DashboardToken.ReadPort(storeDir);
        Assert.NotNull(port);

        Assert.Equal(0, await daemon.StopAsync(Wait));

        Assert.DoesNotContain("Dashboard server started", daemon.Output, StringComparison.Ordinal);
        Assert.Null(DashboardToken.ReadPort(storeDir));
        // The port is closed: nothing accepts there any more.
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        Assert.ThrowsAny<System.Net.Sockets.SocketException>(() => probe.Connect(IPAddress.Loopback, port!.Value));
    }
}
