using System.Diagnostics;
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
using NanoClaw.Shell.CredentialProxy;
using NanoClaw.Tests.Support.FakeAnthropic;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Security;

/// <summary>The credential proxy against the fake Anthropic API (real HTTP on loopback).</summary>
[Trait("Category", "Security")]
public sealed class CredentialProxyTests
{
    private static readonly Serilog.ILogger Log = Serilog.Core.Logger.None;

    private static Credentials Creds(string? apiKey = null, string? oauth = null, string? baseUrl = null, string? authToken = null) =>
        new(Optional(apiKey), Optional(oauth), Optional(baseUrl), Optional(authToken));

    private static ProxyCredentials Proxy(Credentials c) => ProxyCredentials.From(c).IfLeft(reason => throw new InvalidOperationException(reason));

    [Fact]
    public async Task Api_key_replaces_the_placeholder_and_the_reply_comes_back()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(apiKey: api.ApiKey, baseUrl: api.BaseUrl)), ProxyBinding.Loopback, Log);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, proxy.Url + "/v1/messages?beta=true")
        {
            Content = new StringContent("""{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", ProxyCredentials.Placeholder);
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("OK.", await response.Content.ReadAsStringAsync());
        var seen = Assert.Single(api.Requests);
        Assert.Equal(api.ApiKey, seen.Headers["x-api-key"]);
        Assert.Equal("/v1/messages?beta=true", seen.Path);
        Assert.Equal("2023-06-01", seen.Headers["anthropic-version"]);
        Assert.DoesNotContain(seen.Headers.Values, v => v.Contains(ProxyCredentials.Placeholder, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Containers_get_only_the_url_and_placeholders()
    {
        var key = "sk-ant-secret-" + Guid.NewGuid().ToString("N");
        var oauth = "sk-ant-oat-" + Guid.NewGuid().ToString("N");
        foreach (var c in new[] { Creds(apiKey: key), Creds(oauth: oauth), Creds(authToken: key, baseUrl: "https://gateway.example/anthropic") })
        {
            var env = Proxy(c).ForContainer("http://127.0.0.1:1234");
            Assert.Equal("http://127.0.0.1:1234", env["ANTHROPIC_BASE_URL"]);
            Assert.All(env.Remove("ANTHROPIC_BASE_URL").Values, v => Assert.Equal(ProxyCredentials.Placeholder, v));
            Assert.DoesNotContain(env.Values, v => v.Contains(key, StringComparison.Ordinal) || v.Contains(oauth, StringComparison.Ordinal));
        }
        Assert.True(Proxy(Creds(oauth: oauth)).ForContainer("u").ContainsKey("CLAUDE_CODE_OAUTH_TOKEN"));
        Assert.True(ProxyCredentials.From(Creds(apiKey: key, baseUrl: "ftp://nope")).IsLeft);
    }

    [Fact]
    public async Task Oauth_token_goes_only_on_requests_that_carry_a_bearer()
    {
        var oauth = "sk-ant-oat-" + Guid.NewGuid().ToString("N");
        await using var api = await FakeAnthropicApi.StartAsync();
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(oauth: oauth, baseUrl: api.BaseUrl)), ProxyBinding.Loopback, Log);
        using var http = new HttpClient();

        using var exchange = new HttpRequestMessage(HttpMethod.Post, proxy.Url + "/api/oauth/claude_cli/create_api_key") { Content = new StringContent("{}") };
        exchange.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ProxyCredentials.Placeholder);
        (await http.SendAsync(exchange)).Dispose();
        using var later = new HttpRequestMessage(HttpMethod.Post, proxy.Url + "/v1/messages") { Content = new StringContent("{}") };
        later.Headers.Add("x-api-key", "temporary-key-from-exchange");
        (await http.SendAsync(later)).Dispose();

        var requests = api.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal("Bearer " + oauth, requests[0].Headers["authorization"]);
        Assert.False(requests[1].Headers.ContainsKey("authorization"));
        Assert.Equal("temporary-key-from-exchange", requests[1].Headers["x-api-key"]);
    }

    [Fact]
    public async Task Gateway_token_is_sent_as_bearer_under_the_base_path()
    {
        var token = "gw-" + Guid.NewGuid().ToString("N");
        await using var upstream = await Upstream.StartAsync(async http =>
        {
            await http.Response.WriteAsync($"{http.Request.Path}|{http.Request.Headers.Authorization}");
        });
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(authToken: token, baseUrl: upstream.Url + "/anthropic")), ProxyBinding.Loopback, Log);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, proxy.Url + "/v1/models");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ProxyCredentials.Placeholder);
        var body = await (await http.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Equal($"/anthropic/v1/models|Bearer {token}", body);
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
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(apiKey: "k", baseUrl: upstream.Url)), ProxyBinding.Loopback, Log);
        using var http = new HttpClient();
        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, proxy.Url + "/v1/messages") { Content = new StringContent("{}") },
            HttpCompletionOption.ResponseHeadersRead);
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
        await using var proxy = await CredentialProxyServer.StartAsync(Proxy(Creds(apiKey: "k", baseUrl: $"http://127.0.0.1:{deadPort}")), ProxyBinding.Loopback, Log);
        using var http = new HttpClient();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsync(proxy.Url + "/v1/messages", new StringContent("{}"));
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }
    }

    [Fact]
    public void Bridge_gateways_must_be_private()
    {
        Assert.Equal("10.88.0.1", ProxyBinding.GatewayOf("10.88.0.1 \n").Map(ip => ip.ToString()).IfNone(""));
        Assert.Equal("172.17.0.1", ProxyBinding.GatewayOf("fd00::1 172.17.0.1").Map(ip => ip.ToString()).IfNone(""));
        Assert.True(ProxyBinding.GatewayOf("8.8.8.8").IsNone);
        Assert.True(ProxyBinding.GatewayOf("").IsNone);
        Assert.Equal("http://127.0.0.1:4000", ProxyBinding.Loopback.UrlFor(4000));
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
