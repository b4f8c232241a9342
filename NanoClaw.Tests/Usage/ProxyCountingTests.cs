using System.Collections.Concurrent;
using System.Net;
using System.Text;
using NanoClaw.Core.Config;
using NanoClaw.Core.Usage;
using NanoClaw.Shell.CredentialProxy;
using NanoClaw.Tests.Security;
using NanoClaw.Tests.Support.FakeAnthropic;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Usage;

/// <summary>The credential proxy on a real run socket against the fake API counts each Messages API answer's usage (issue 19).</summary>
[Trait("Category", "Dashboard")]
public sealed class ProxyCountingTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nanoclaw-proxy-count-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    private static HttpRequestMessage Request(string token, bool stream, string path = "/v1/messages?beta=true") =>
        new(HttpMethod.Post, path)
        {
            Content = new StringContent($$"""{"model":"claude-test","max_tokens":10,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""",
                Encoding.UTF8, "application/json"),
            Headers = { { "x-api-key", token }, { "anthropic-version", "2023-06-01" }, { "Accept-Encoding", "gzip, br" } },
        };

    [Fact]
    public async Task Streamed_and_json_answers_are_counted_for_their_run_with_the_apis_exact_usage()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        api.FixedUsage = new FakeUsage(1200, 34, 560, 7800);
        var counted = new ConcurrentQueue<(string Container, ApiTokens Tokens)>();
        var credentials = ProxyCredentials.From(new Credentials(Some(api.ApiKey), None, Some(api.BaseUrl), None)).IfLeft(r => throw new InvalidOperationException(r));
        await using var proxy = await CredentialProxyServer.StartAsync(credentials, Path.Combine(dir, "proxy"), Serilog.Core.Logger.None,
            counted: (run, tokens) => counted.Enqueue((run.Container, tokens)));
        using var lease = proxy.OpenRun("nanoclaw-family-1");
        using var http = ProxySocketClient.For(lease.Run.SocketPath);

        using (var streamed = await http.SendAsync(Request(lease.Run.Token, stream: true), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
            Assert.Contains("message_delta", await streamed.Content.ReadAsStringAsync());
        }
        using (var json = await http.SendAsync(Request(lease.Run.Token, stream: false)))
            Assert.Contains("\"usage\"", await json.Content.ReadAsStringAsync());
        using (var countTokens = await http.SendAsync(Request(lease.Run.Token, stream: false, "/v1/messages/count_tokens?beta=true")))
            Assert.Equal(HttpStatusCode.OK, countTokens.StatusCode);

        // The count is handed over when the proxy has passed the whole body, which may be just after the client read it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (counted.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(20);
        var expected = new ApiTokens(1200, 34, 560, 7800);
        Assert.Equal([("nanoclaw-family-1", expected), ("nanoclaw-family-1", expected)], counted.ToArray());
        // Answers come back uncompressed whatever the container asked for, so they can be read.
        Assert.All(api.Requests, r => Assert.Equal("identity", r.Headers.GetValueOrDefault("accept-encoding") ?? r.Headers.GetValueOrDefault("Accept-Encoding")));
    }
}
