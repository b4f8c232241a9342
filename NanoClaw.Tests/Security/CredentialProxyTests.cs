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
using NanoClaw.Core.Config;
using NanoClaw.Core.Containers;
using NanoClaw.Shell.CredentialProxy;
using NanoClaw.Tests.Support.FakeAnthropic;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Security;

/// <summary>The credential proxy on its per-run Unix sockets against the fake Anthropic API (real HTTP).</summary>
[Trait("Category", "Security")]
public sealed class CredentialProxyTests : IDisposable
{
    private static readonly Serilog.ILogger Log = Serilog.Core.Logger.None;
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nanoclaw-proxy-" + Guid.NewGuid().ToString("N")[..8]);

    private string SocketDir => Path.Combine(dir, "proxy");

    private static Credentials Creds(string? apiKey = null, string? oauth = null, string? baseUrl = null, string? authToken = null) =>
        new(Optional(apiKey), Optional(oauth), Optional(baseUrl), Optional(authToken));

    private static ProxyCredentials Proxy(Credentials c) => ProxyCredentials.From(c).IfLeft(reason => throw new InvalidOperationException(reason));

    private static HttpRequestMessage Messages(string token, string path = "/v1/messages?beta=true") =>
        new(HttpMethod.Post, path)
        {
            Content = new StringContent("""{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            Headers = { { "x-api-key", token }, { "anthropic-version", "2023-06-01" } },
        };

    [Fact]
    public async Task The_run_token_is_replaced_by_the_api_key_and_the_reply_comes_back()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(apiKey: api.ApiKey, baseUrl: api.BaseUrl)), SocketDir, Log);
        using var lease = proxy.OpenRun("nanoclaw-test-1");
        using var http = ProxySocketClient.For(lease.Run.SocketPath);
        using var response = await http.SendAsync(Messages(lease.Run.Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("OK.", await response.Content.ReadAsStringAsync());
        var seen = Assert.Single(api.Requests);
        Assert.Equal(api.ApiKey, seen.Headers["x-api-key"]);
        Assert.Equal("/v1/messages?beta=true", seen.Path);
        Assert.Equal("2023-06-01", seen.Headers["anthropic-version"]);
        Assert.DoesNotContain(seen.Headers.Values, v => v.Contains(lease.Run.Token, StringComparison.Ordinal));
    }

    [Fact]
    public void Containers_get_only_the_socket_and_the_run_token()
    {
        var key = "sk-ant-secret-" + Guid.NewGuid().ToString("N");
        var oauth = "sk-ant-oat-" + Guid.NewGuid().ToString("N");
        var token = ProxyRequestRules.NewRunToken();
        foreach (var c in new[] { Creds(apiKey: key), Creds(oauth: oauth), Creds(authToken: key, baseUrl: "https://gateway.example/anthropic"), Creds() })
        {
            var env = Proxy(c).ForContainer(token);
            Assert.Equal(MountPlanner.ApiSocketTarget, env[ProxyCredentials.SocketVariable]);
            Assert.False(env.ContainsKey("ANTHROPIC_BASE_URL"));
            Assert.All(env.Remove(ProxyCredentials.SocketVariable).Values, v => Assert.Equal(token, v));
            Assert.DoesNotContain(env.Values, v => v.Contains(key, StringComparison.Ordinal) || v.Contains(oauth, StringComparison.Ordinal));
        }
        Assert.True(Proxy(Creds(oauth: oauth)).ForContainer(token).ContainsKey("CLAUDE_CODE_OAUTH_TOKEN"));
        Assert.True(Proxy(Creds(authToken: key)).ForContainer(token).ContainsKey("ANTHROPIC_AUTH_TOKEN"));
        Assert.True(ProxyCredentials.From(Creds(apiKey: key, baseUrl: "ftp://nope")).IsLeft);
        Assert.NotEqual(token, ProxyRequestRules.NewRunToken());
    }

    [Fact]
    public async Task Oauth_token_replaces_the_run_token_sent_as_bearer()
    {
        // Claude Code 2.1 sends CLAUDE_CODE_OAUTH_TOKEN itself as "Authorization: Bearer" on /v1/messages.
        var oauth = "sk-ant-oat-" + Guid.NewGuid().ToString("N");
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(oauth: oauth, baseUrl: api.BaseUrl)), SocketDir, Log);
        using var lease = proxy.OpenRun("nanoclaw-test-oauth");
        using var http = ProxySocketClient.For(lease.Run.SocketPath);
        using var request = Messages("ignored");
        request.Headers.Remove("x-api-key");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + lease.Run.Token);
        (await http.SendAsync(request)).Dispose();

        var seen = Assert.Single(api.Requests);
        Assert.Equal("Bearer " + oauth, seen.Headers["authorization"]);
        Assert.False(seen.Headers.ContainsKey("x-api-key"));
    }

    [Fact]
    public async Task Gateway_token_is_sent_as_bearer_under_the_base_path()
    {
        var token = "gw-" + Guid.NewGuid().ToString("N");
        await using var upstream = await Upstream.StartAsync(async http =>
        {
            await http.Response.WriteAsync($"{http.Request.Path}|{http.Request.Headers.Authorization}|{http.Request.Headers["x-api-key"]}");
        });
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(authToken: token, baseUrl: upstream.Url + "/anthropic")), SocketDir, Log);
        using var lease = proxy.OpenRun("nanoclaw-test-gw");
        using var http = ProxySocketClient.For(lease.Run.SocketPath);
        using var request = Messages("unused");
        request.Headers.Remove("x-api-key");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + lease.Run.Token);
        var body = await (await http.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Equal($"/anthropic/v1/messages|Bearer {token}|", body);
    }

    [Fact]
    public async Task Requests_without_this_runs_token_are_refused_and_never_reach_the_api()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(apiKey: api.ApiKey, baseUrl: api.BaseUrl)), SocketDir, Log);
        using var mine = proxy.OpenRun("nanoclaw-test-a");
        using var other = proxy.OpenRun("nanoclaw-test-b");
        using var http = ProxySocketClient.For(mine.Run.SocketPath);

        using var noToken = Messages("");
        noToken.Headers.Remove("x-api-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(noToken)).StatusCode);
        // Another run's token on this run's socket, and the real key itself, are not this run's token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Messages(other.Run.Token))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Messages(api.ApiKey))).StatusCode);
        Assert.Empty(api.Requests);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Messages(mine.Run.Token))).StatusCode);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Only_the_messages_api_is_forwarded()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(apiKey: api.ApiKey, baseUrl: api.BaseUrl)), SocketDir, Log);
        using var lease = proxy.OpenRun("nanoclaw-test-paths");
        using var http = ProxySocketClient.For(lease.Run.SocketPath);
        var token = lease.Run.Token;

        foreach (var (method, path) in new[]
        {
            ("GET", "/v1/models"), ("POST", "/v1/files"), ("POST", "/v1/messages/batches"), ("GET", "/v1/messages"),
            ("POST", "/api/oauth/claude_cli/create_api_key"), ("POST", "/v1/organizations/api_keys"), ("POST", "/v1/messages/../models"),
            ("POST", "/v1//messages"), ("POST", "/V1/MESSAGES"),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Headers = { { "x-api-key", token } } };
            if (method == "POST") request.Content = new StringContent("{}");
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {response.StatusCode}");
        }
        Assert.Empty(api.Requests);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Messages(token, "/v1/messages/count_tokens?beta=true"))).StatusCode);
        Assert.Equal("/v1/messages/count_tokens?beta=true", Assert.Single(api.Requests).Path);
    }

    [Fact]
    public async Task A_released_run_loses_its_socket_and_the_directory_is_private()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(apiKey: api.ApiKey, baseUrl: api.BaseUrl)), SocketDir, Log);
        var lease = proxy.OpenRun("nanoclaw-test-release");
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(SocketDir));
        Assert.Equal(SocketDir, Path.GetDirectoryName(lease.Run.SocketPath));
        using (var http = ProxySocketClient.For(lease.Run.SocketPath))
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Messages(lease.Run.Token))).StatusCode);

        lease.Dispose();
        Assert.False(File.Exists(lease.Run.SocketPath));
        using var again = ProxySocketClient.For(lease.Run.SocketPath);
        await Assert.ThrowsAsync<HttpRequestException>(() => again.SendAsync(Messages(lease.Run.Token)));
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Server_sent_events_stream_through_unbuffered()
    {
        var release = new TaskCompletionSource();
        await using var upstream = await Upstream.StartAsync(async http =>
        {
            http.Response.ContentType = "text/event-stream";
            await http.Response.WriteAsync("event: message_start\ndata: {\"n\":1}\n\n");
            await http.Response.Body.FlushAsync();
            // The second event is held back until the client proves it received the first.
            await release.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await http.Response.WriteAsync("event: message_stop\ndata: {\"n\":2}\n\n");
        });
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(apiKey: "k", baseUrl: upstream.Url)), SocketDir, Log);
        using var lease = proxy.OpenRun("nanoclaw-test-sse");
        using var http = ProxySocketClient.For(lease.Run.SocketPath);
        using var response = await http.SendAsync(Messages(lease.Run.Token), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var first = await reader.ReadLineAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal("event: message_start", first);
        release.SetResult();
        var rest = await reader.ReadToEndAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Contains("message_stop", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream_down_is_a_502_and_the_proxy_keeps_serving()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        var deadPort = new Uri(api.BaseUrl).Port;
        await api.DisposeAsync();
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(apiKey: "k", baseUrl: $"http://127.0.0.1:{deadPort}")), SocketDir, Log);
        using var lease = proxy.OpenRun("nanoclaw-test-down");
        using var http = ProxySocketClient.For(lease.Run.SocketPath);
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.SendAsync(Messages(lease.Run.Token));
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }
    }

    [Fact]
    public void Request_rules()
    {
        const string token = "nanoclaw-run-abc";
        Assert.Equal(ProxyRefusal.None, ProxyRequestRules.Decide("POST", "/v1/messages", token, null, token, false));
        Assert.Equal(ProxyRefusal.None, ProxyRequestRules.Decide("POST", "/v1/messages/count_tokens", null, "Bearer " + token, token, false));
        Assert.Equal(ProxyRefusal.NotThisRun, ProxyRequestRules.Decide("POST", "/v1/messages", null, null, token, false));
        Assert.Equal(ProxyRefusal.NotThisRun, ProxyRequestRules.Decide("POST", "/v1/messages", token + "x", "Basic " + token, token, false));
        Assert.Equal(ProxyRefusal.NotThisRun, ProxyRequestRules.Decide("GET", "/v1/models", null, null, token, false));
        Assert.Equal(ProxyRefusal.PathNotAllowed, ProxyRequestRules.Decide("GET", "/v1/messages", token, null, token, false));
        Assert.Equal(ProxyRefusal.PathNotAllowed, ProxyRequestRules.Decide("POST", "/v1/messages/", token, null, token, false));
        Assert.Equal(ProxyRefusal.RunEnded, ProxyRequestRules.Decide("POST", "/v1/messages", token, null, token, true));
    }

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>A scripted upstream HTTP server on loopback.</summary>
    private sealed class Upstream(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public static async Task<Upstream> StartAsync(RequestDelegate handler)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.Run(handler);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Upstream(app, address);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
