using System.Text.Json.Nodes;
using NanoClaw.Shell.LocalChat;
using NanoClaw.Tests.Agent;
using NanoClaw.Tests.EndToEnd;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.Sandbox;

/// <summary>
/// Issue 14 (F2, F9): with the shipped default (credential proxy on), an agent that goes looking for the API key finds
/// nothing. The real daemon, the real agent image under Podman, the real Claude Code CLI and the fake Anthropic API,
/// which scripts the model to run Bash that hunts for the key: the environment of every process in the container,
/// every file under <c>/workspace</c> (main: the project too) and the session store <c>/home/node/.claude</c>; then it
/// probes the proxy socket for other API paths with the run token it found. The key must appear in nothing the fake
/// API receives (every tool result travels there), in no reply and in no file of the installation after the run — and
/// the fake API must have received the real key from the proxy on every call, so the hunt is not vacuous.
/// </summary>
[Trait("Category", "Sandbox")]
[Collection("RealClaude")]
public sealed class ProxyKeyHuntTests : IClassFixture<AgentImageFixture>
{
    private static readonly TimeSpan Turn = TimeSpan.FromSeconds(240);

    public ProxyKeyHuntTests(AgentImageFixture image) => Assert.True(image.Problem is null, image.Problem);

    [ClaudeImageFact]
    public Task A_non_main_agent_finds_no_key_on_the_default_network() => HuntAsync(network: "", main: false);

    /// <summary>Needs main's project mount without credentials.yml (branch <c>layout</c>) as well as the proxy.</summary>
    [ClaudeImageFact]
    public Task The_main_agent_finds_no_key_on_the_default_network() => HuntAsync(network: "", main: true);

    [ClaudeImageFact]
    public Task A_non_main_agent_finds_no_key_with_network_none() => HuntAsync(network: "none", main: false);

    /// <summary>
    /// The TCP transport (what Apple Container and Docker Desktop get), forced on Podman's default bridge: the proxy
    /// listens on the bridge gateway 10.88.0.1 and the container calls it <c>host.containers.internal</c>.
    /// </summary>
    [ClaudeImageFact]
    public Task A_non_main_agent_finds_no_key_over_the_tcp_transport() => HuntAsync(network: "", main: false, tcp: true);

    /// <summary>Needs main's project mount without credentials.yml (branch <c>layout</c>) as well as the proxy.</summary>
    [ClaudeImageFact]
    public Task The_main_agent_finds_no_key_over_the_tcp_transport() => HuntAsync(network: "", main: true, tcp: true);

    /// <summary>Needs main's project mount without credentials.yml (branch <c>layout</c>) as well as the proxy.</summary>
    [ClaudeImageFact]
    public Task The_main_agent_finds_no_key_with_network_none() => HuntAsync(network: "none", main: true);

    private const string EnvHunt =
        "echo HUNT-ENV; env | sort; " +
        "for f in /proc/[0-9]*/environ; do echo \"== $f $(tr '\\0' '\\n' < \"$f\" 2>/dev/null | wc -l) vars\"; done; " +
        "for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\" 2>/dev/null; done | sort -u";

    private const string FileHunt =
        "echo HUNT-FILES; echo \"project entries: $(ls -A /workspace/project 2>/dev/null | wc -l)\"; " +
        "echo \"session store files: $(find /home/node/.claude -type f 2>/dev/null | wc -l)\"; " +
        "grep -r -a -o -h -E 'sk-ant-[A-Za-z0-9_-]+' /workspace /home/node/.claude /run /tmp 2>/dev/null | sort -u; " +
        "grep -r -a -l -E 'sk-ant-[A-Za-z0-9_-]{8}' /workspace /home/node/.claude /run /tmp 2>/dev/null | sed 's/^/found in: /'; " +
        "echo HUNT-FILES-END";

    private const string Probe =
        "echo HUNT-PROBE; T=$(for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\" 2>/dev/null; done | sed -n 's/^ANTHROPIC_API_KEY=//p' | head -1); " +
        "echo \"token chars: ${#T}\"; " +
        "for p in /v1/models /v1/files /api/oauth/claude_cli/create_api_key; do " +
        "echo \"GET $p -> $(curl -s -o /dev/null -w '%{http_code}' --unix-socket /run/nanoclaw/api.sock -H \"x-api-key: $T\" http://proxy$p)\"; done; " +
        "echo \"no token -> $(curl -s -o /dev/null -w '%{http_code}' --unix-socket /run/nanoclaw/api.sock -X POST -d '{}' http://proxy/v1/messages)\"";

    // The same probe against the TCP listener, at the base URL Claude Code was given; plus a forged token.
    private const string TcpProbe =
        "echo HUNT-PROBE; E=$(for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\" 2>/dev/null; done); " +
        "T=$(echo \"$E\" | sed -n 's/^ANTHROPIC_API_KEY=//p' | head -1); B=$(echo \"$E\" | sed -n 's/^ANTHROPIC_BASE_URL=//p' | head -1); " +
        "echo \"token chars: ${#T} base: $B\"; " +
        "for p in /v1/models /v1/files /api/oauth/claude_cli/create_api_key; do " +
        "echo \"GET $p -> $(curl -s -o /dev/null -w '%{http_code}' -H \"x-api-key: $T\" $B$p)\"; done; " +
        "echo \"no token -> $(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' $B/v1/messages)\"; " +
        "echo \"forged token -> $(curl -s -o /dev/null -w '%{http_code}' -H 'x-api-key: nanoclaw-run-forged' -X POST -d '{}' $B/v1/messages)\"";

    private static async Task HuntAsync(string network, bool main, bool tcp = false)
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        using var installation = new Installation(api, whatsApp: false);
        var config = Path.Combine(installation.Root, "config.yml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("network: host", $"network: \"{network}\"" + (tcp ? "\n  proxy_transport: tcp" : ""), StringComparison.Ordinal));
        Assert.DoesNotContain("credential_proxy", File.ReadAllText(config), StringComparison.Ordinal); // the shipped default
        var folder = main ? "main" : "hunted";
        if (!main) installation.Register(LocalChatFrame.JidFor(folder), folder);
        api.Script(
            ScriptedReply.ToolUse("Bash", new JsonObject { ["command"] = EnvHunt, ["description"] = "read every environment" }),
            ScriptedReply.ToolUse("Bash", new JsonObject { ["command"] = FileHunt, ["description"] = "search the files" }),
            ScriptedReply.ToolUse("Bash", new JsonObject { ["command"] = tcp ? TcpProbe : Probe, ["description"] = "probe the proxy" }),
            ScriptedReply.Text("hunt done"));

        var daemon = await DaemonProcess.StartAsync(installation.Root,
            new Dictionary<string, string> { ["NANOCLAW_CONTAINER__IMAGE"] = ImageRunnerLauncher.Image });
        try
        {
            await using (var chat = await ChatSession.OpenAsync(installation.SocketPath, folder))
            {
                await chat.SayAsync("@Andy find my API key");
                await chat.WaitForReplyContainingAsync("hunt done", Turn);
                Assert.DoesNotContain(chat.Replies, r => r.Contains(api.ApiKey, StringComparison.Ordinal));
            }
            var container = Assert.Single(daemon.StartedContainers, c => c.Folder == folder).Name;
            await daemon.WaitForContainerEndAsync(container, TimeSpan.FromSeconds(90));

            var results = api.Requests.SelectMany(r => r.ToolResults).Select(RecordedRequest.ContentText).Distinct().ToList();
            string ResultOf(string marker) =>
                results.FirstOrDefault(t => t.Contains(marker, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException(
                    $"no tool result with {marker}; results:\n{string.Join("\n---\n", results)}\n{ApiRequests.Describe(api)}");

            // The hunt really read Claude Code's own environment (its base URL is the in-container forwarder, or with
            // the TCP transport the proxy's listener as the container names it, and no socket) ...
            var env = ResultOf("HUNT-ENV");
            Assert.Contains(tcp ? "ANTHROPIC_BASE_URL=http://host.containers.internal:" : "ANTHROPIC_BASE_URL=http://127.0.0.1:", env, StringComparison.Ordinal);
            if (tcp) Assert.DoesNotContain("NANOCLAW_API_SOCKET", env, StringComparison.Ordinal);
            Assert.Contains("ANTHROPIC_API_KEY=nanoclaw-run-", env, StringComparison.Ordinal);
            // ... searched the files (main: the project is mounted) ...
            var files = ResultOf("HUNT-FILES");
            Assert.Contains("HUNT-FILES-END", files, StringComparison.Ordinal);
            Assert.Contains(main ? "project entries: " : "project entries: 0", files, StringComparison.Ordinal);
            if (main) Assert.DoesNotContain("project entries: 0\n", files, StringComparison.Ordinal);
            // ... and the proxy refused every other path, with the token and without it.
            var probe = ResultOf("HUNT-PROBE");
            Assert.DoesNotContain("token chars: 0", probe, StringComparison.Ordinal);
            foreach (var path in new[] { "/v1/models", "/v1/files", "/api/oauth/claude_cli/create_api_key" })
                Assert.Contains($"GET {path} -> 403", probe, StringComparison.Ordinal);
            Assert.Contains("no token -> 401", probe, StringComparison.Ordinal);
            if (tcp) Assert.Contains("forged token -> 401", probe, StringComparison.Ordinal);
            if (tcp) await daemon.WaitForLineAsync(l => l.Contains("Credential proxy on tcp 10.88.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
            await daemon.WaitForLineAsync(l => l.Contains("Credential proxy refused GET /v1/models", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

            // The key is in nothing the agent produced: every tool result and every transcript went to the fake API.
            var leaked = api.Requests.Where(r => r.RawBody.Contains(api.ApiKey, StringComparison.Ordinal)).Select(r => r.Path).ToList();
            Assert.True(leaked.Count == 0, $"the agent found the key: it reached the API in {leaked.Count} request bodies\n{files}");
            // Not vacuous: the real key did arrive upstream, injected by the proxy, on every call; the run token never did.
            var calls = api.Requests.Where(r => r.Path.StartsWith("/v1/messages", StringComparison.Ordinal)).ToList();
            Assert.True(calls.Count >= 4, ApiRequests.Describe(api));
            Assert.All(calls, r => Assert.Equal(api.ApiKey, r.Headers["x-api-key"]));
            Assert.All(api.Requests, r => Assert.DoesNotContain(r.Headers.Values, v => v.Contains("nanoclaw-run-", StringComparison.Ordinal)));
            Assert.All(api.Requests, r => Assert.StartsWith("/v1/messages", r.Path, StringComparison.Ordinal));
        }
        finally
        {
            await daemon.StopAsync(TimeSpan.FromSeconds(30));
            Installation.RemoveContainers(daemon.StartedContainers.Select(c => c.Name));
            await daemon.DisposeAsync();
        }
        var leaks = installation.FilesContaining(api.ApiKey);
        Assert.True(leaks.Count == 0, "key found in: " + string.Join(", ", leaks));
        Assert.DoesNotContain(api.ApiKey, daemon.Output, StringComparison.Ordinal);
    }
}
