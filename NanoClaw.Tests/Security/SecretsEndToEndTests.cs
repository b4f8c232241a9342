using System.Text.Json.Nodes;
using NanoClaw.Shell.CredentialProxy;
using NanoClaw.Tests.Fault;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.Security;

/// <summary>
/// A daemon with the credential proxy on, a conversation through the fake runtime, then a search for the real key in
/// every file the daemon wrote and in what the container received.
/// </summary>
[Trait("Category", "Security")]
public sealed class SecretsEndToEndTests
{
    [Fact]
    public async Task With_the_proxy_the_key_reaches_only_the_upstream()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        var oauth = "sk-ant-oat01-" + Guid.NewGuid().ToString("N");
        // The idle close ends the run (and writes its run log) a few seconds after its last reply.
        await using var daemon = new DaemonHarness("logging:\n  level: DEBUG\n", credentialProxy: true,
            idleTimeoutMs: 4000, credentials: $"anthropic_api_key: {api.ApiKey}\nanthropic_base_url: {api.BaseUrl}\nclaude_code_oauth_token: {oauth}\n");
        await daemon.StartAsync();
        string socket;
        await using (var chat = await ChatSession.OpenAsync(daemon))
        {
            await chat.SendAsync("main", "hello, what is my key?");
            var replies = await chat.WaitForRepliesAsync(1, TimeSpan.FromSeconds(30));
            Assert.NotEmpty(replies);
            // The run's socket, while its container is up: the only one in the proxy's directory.
            socket = Assert.Single(Directory.GetFiles(Path.Combine(daemon.DataDir, "proxy"), "*.sock"));
            await chat.SendAsync("main", "and again");
            Assert.Equal(2, (await chat.WaitForRepliesAsync(2, TimeSpan.FromSeconds(30))).Count);
        }

        // What the container got on stdin: where the socket is and the run token, never a secret.
        var stdin = Directory.GetFiles(daemon.CaptureDir).Select(File.ReadAllText).ToList();
        Assert.NotEmpty(stdin);
        var secrets = (JsonObject)JsonNode.Parse(stdin[0])!["secrets"]!;
        Assert.Equal(ProxyCredentials.ContainerSocketPath, (string?)secrets[ProxyCredentials.SocketVariable]);
        var token = (string)secrets["ANTHROPIC_API_KEY"]!;
        Assert.StartsWith("nanoclaw-run-", token, StringComparison.Ordinal);
        Assert.Null(secrets["ANTHROPIC_BASE_URL"]);
        Assert.Null(secrets["CLAUDE_CODE_OAUTH_TOKEN"]);

        // The agent's call through that socket reaches the API with the real key (the container is still up: idle close pending).
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

        // The idle container closes; once the run is over (its run log written, DEBUG: with the full input) its socket is gone.
        for (var i = 0; i < 300 && File.Exists(socket); i++) await Task.Delay(100);
        Assert.False(File.Exists(socket), "the run's socket outlived its container");
        var runLogs = Path.Combine(daemon.Root, "logs", "runs", "main");
        var runLog = File.ReadAllText(Assert.Single(Directory.GetFiles(runLogs, "container-*.log")));
        // The socket was bind-mounted into the container (the verbose run log holds the command line; the target path is
        // masked there like every value of the input's environment).
        Assert.Contains($"-v {socket}:", runLog, StringComparison.Ordinal);
        Assert.Equal(0, await daemon.StopAsync());
        var leaks = FilesContaining(daemon.Root, [api.ApiKey, oauth], skip: "credentials.yml");
        Assert.True(leaks.Count == 0, "secret found in: " + string.Join(", ", leaks));
        Assert.DoesNotContain(api.ApiKey, daemon.Output, StringComparison.Ordinal);
        Assert.Contains("Credential proxy on", File.ReadAllText(Directory.GetFiles(Path.Combine(daemon.Root, "logs")).First()), StringComparison.Ordinal);
    }

    /// <summary>Every file under <paramref name="root"/> (logs/, data/, groups/, store/, the runtime's captures) holding a secret.</summary>
    public static List<string> FilesContaining(string root, IReadOnlyList<string> secrets, string skip)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) == skip || file.EndsWith(".sock", StringComparison.Ordinal)) continue;
            byte[] bytes;
            try { bytes = File.ReadAllBytes(file); } catch (IOException) { continue; }
            var text = System.Text.Encoding.UTF8.GetString(bytes);
            if (secrets.Any(s => text.Contains(s, StringComparison.Ordinal))) found.Add(Path.GetRelativePath(root, file));
        }
        return found;
    }
}
