using System.Net;
using System.Net.Sockets;
using System.Text;
using NanoClaw.Core.Config;
using NanoClaw.Core.Containers;
using NanoClaw.Shell.CredentialProxy;
using NanoClaw.Tests.Shell.Containers;
using NanoClaw.Tests.Support.FakeAnthropic;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Security;

/// <summary>
/// The credential proxy's TCP transport (for runtimes whose containers live in a VM) over real HTTP on loopback,
/// against the fake Anthropic API: the run is found from its token alone, so the token rules carry all the weight.
/// </summary>
[Trait("Category", "Security")]
public sealed class CredentialProxyTcpTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nanoclaw-proxytcp-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ListSink logs = new();

    private string SocketDir => Path.Combine(dir, "proxy");

    private static readonly ProxyTransportPlan.Tcp Loopback = new("127.0.0.1", 0, "proxy.test.invalid");

    private Task<CredentialProxyServer> StartAsync(FakeAnthropicApi api) =>
        CredentialProxyServer.StartAsync(
            ProxyCredentials.From(new Credentials(Some(api.ApiKey), None, Some(api.BaseUrl), None)).IfLeft(r => throw new InvalidOperationException(r)),
            SocketDir, logs.Logger(), tcp: Loopback);

    private static HttpClient Client(CredentialProxyServer proxy) => new() { BaseAddress = new Uri($"http://127.0.0.1:{proxy.TcpEndPoint!.Port}") };

    private static HttpRequestMessage Messages(string? token, string path = "/v1/messages?beta=true", string method = "POST")
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
            request.Content = new StringContent("""{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
        request.Headers.Add("anthropic-version", "2023-06-01");
        if (token is not null) request.Headers.Add("x-api-key", token);
        return request;
    }

    [Fact]
    public async Task A_good_token_is_forwarded_with_the_real_key_in_its_place()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var proxy = await StartAsync(api);
        using var lease = proxy.OpenRun("nanoclaw-tcp-good");
        using var http = Client(proxy);

        using var response = await http.SendAsync(Messages(lease.Run.Token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("OK.", await response.Content.ReadAsStringAsync());
        var seen = Assert.Single(api.Requests);
        Assert.Equal(api.ApiKey, seen.Headers["x-api-key"]);
        Assert.Equal("/v1/messages?beta=true", seen.Path);
        Assert.DoesNotContain(seen.Headers.Values, v => v.Contains("nanoclaw-run-", StringComparison.Ordinal));

        // As a bearer (gateway / OAuth slot) too.
        using var bearer = Messages(null);
        bearer.Headers.TryAddWithoutValidation("Authorization", "Bearer " + lease.Run.Token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bearer)).StatusCode);
        Assert.Equal(2, api.Requests.Count);
        Assert.All(api.Requests, r => Assert.Equal(api.ApiKey, r.Headers["x-api-key"]));
    }

    [Fact]
    public async Task No_token_a_wrong_token_the_real_key_and_an_ended_runs_token_are_401_and_never_reach_the_api()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var proxy = await StartAsync(api);
        using var live = proxy.OpenRun("nanoclaw-tcp-live");
        var ended = proxy.OpenRun("nanoclaw-tcp-ended");
        using var http = Client(proxy);
        // The ended run's token worked while it ran.
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Messages(ended.Run.Token))).StatusCode);
        ended.Dispose();
        Assert.Single(api.Requests);

        foreach (var (what, token) in new[]
        {
            ("no token", (string?)null), ("empty", ""), ("wrong", ProxyRequestRules.NewRunToken()), ("real key", api.ApiKey),
            ("prefix of a live token", live.Run.Token[..^1]), ("ended run", ended.Run.Token),
        })
        {
            using var response = await http.SendAsync(Messages(token));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {response.StatusCode}");
            Assert.Contains("authentication_error", await response.Content.ReadAsStringAsync());
        }
        using var basic = Messages(null);
        basic.Headers.TryAddWithoutValidation("Authorization", "Basic " + live.Run.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(basic)).StatusCode);
        Assert.Single(api.Requests);
        Assert.Contains(logs.Messages, m => m.Contains("refused", StringComparison.Ordinal) && m.Contains("tcp 127.0.0.1", StringComparison.Ordinal));
        // The live run is unaffected.
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Messages(live.Run.Token))).StatusCode);
    }

    [Fact]
    public async Task A_forbidden_path_with_a_good_token_is_403_and_logged_with_the_run()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var proxy = await StartAsync(api);
        using var lease = proxy.OpenRun("nanoclaw-tcp-paths");
        using var http = Client(proxy);

        foreach (var (method, path) in new[] { ("GET", "/v1/models"), ("POST", "/v1/files"), ("POST", "/api/oauth/claude_cli/create_api_key"), ("GET", "/v1/messages") })
        {
            using var response = await http.SendAsync(Messages(lease.Run.Token, path, method));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {response.StatusCode}");
        }
        Assert.Empty(api.Requests);
        Assert.Contains(logs.Messages, m => m.Contains("Credential proxy refused \"GET\" \"/v1/models\" from \"nanoclaw-tcp-paths\"", StringComparison.Ordinal)
            && m.Contains("PathNotAllowed", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains(lease.Run.Token, StringComparison.Ordinal) || m.Contains(api.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_gets_the_listeners_url_and_its_token_and_no_socket()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var proxy = await StartAsync(api);
        using var lease = proxy.OpenRun("nanoclaw-tcp-env");

        Assert.Equal("", lease.Run.SocketPath);
        Assert.Equal($"http://proxy.test.invalid:{proxy.TcpEndPoint!.Port}", lease.Environment["ANTHROPIC_BASE_URL"]);
        Assert.Equal(lease.Run.Token, lease.Environment["ANTHROPIC_API_KEY"]);
        Assert.False(lease.Environment.ContainsKey(ProxyCredentials.SocketVariable));
        Assert.DoesNotContain(lease.Environment.Values, v => v.Contains(api.ApiKey, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(SocketDir));
        Assert.True(IPAddress.IsLoopback(proxy.TcpEndPoint.Address));
    }

    [Fact]
    public async Task The_listener_binds_an_address_that_does_not_exist_yet_on_linux()
    {
        // Podman's bridge (and its gateway 10.88.0.1) appears only with the first container: IP_FREEBIND lets the
        // daemon listen before that. 198.51.100.7 (TEST-NET-2) is on no interface here.
        if (!OperatingSystem.IsLinux()) return;
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var proxy = await CredentialProxyServer.StartAsync(
            ProxyCredentials.From(new Credentials(Some(api.ApiKey), None, Some(api.BaseUrl), None)).IfLeft(r => throw new InvalidOperationException(r)),
            SocketDir, logs.Logger(), tcp: new ProxyTransportPlan.Tcp("198.51.100.7", 0, "198.51.100.7"));
        Assert.Equal(IPAddress.Parse("198.51.100.7"), proxy.TcpEndPoint!.Address);
        Assert.NotEqual(0, proxy.TcpEndPoint.Port);
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.ThrowsAny<SocketException>(() => probe.Bind(new IPEndPoint(IPAddress.Parse("198.51.100.7"), 0)));
    }

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
