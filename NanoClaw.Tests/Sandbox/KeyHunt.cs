using System.Text.Json.Nodes;
using NanoClaw.Tests.EndToEnd;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.Sandbox;

/// <summary>
/// The key hunt of issue 14 (F2, F9), shared by <see cref="ProxyKeyHuntTests"/> (rootful Podman) and
/// <see cref="RootlessPodmanTests"/>: the fake API scripts the model to run Bash that reads every process's environment,
/// greps the mounted files and the session store for the key, and probes the proxy socket for other paths with the run
/// token it found. <see cref="VerifyAsync"/> then checks, from what the fake API received, that the hunt really ran, found
/// nothing, and that the real key did arrive upstream from the proxy (so the check is not vacuous).
/// </summary>
internal static class KeyHunt
{
    public const string EnvHunt =
        "echo HUNT-ENV; env | sort; " +
        "for f in /proc/[0-9]*/environ; do echo \"== $f $(tr '\\0' '\\n' < \"$f\" 2>/dev/null | wc -l) vars\"; done; " +
        "for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\" 2>/dev/null; done | sort -u";

    public const string FileHunt =
        "echo HUNT-FILES; echo \"project entries: $(ls -A /workspace/project 2>/dev/null | wc -l)\"; " +
        "echo \"session store files: $(find /home/node/.claude -type f 2>/dev/null | wc -l)\"; " +
        "grep -r -a -o -h -E 'sk-ant-[A-Za-z0-9_-]+' /workspace /home/node/.claude /run /tmp 2>/dev/null | sort -u; " +
        "grep -r -a -l -E 'sk-ant-[A-Za-z0-9_-]{8}' /workspace /home/node/.claude /run /tmp 2>/dev/null | sed 's/^/found in: /'; " +
        "echo HUNT-FILES-END";

    public const string Probe =
        "echo HUNT-PROBE; T=$(for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\" 2>/dev/null; done | sed -n 's/^ANTHROPIC_API_KEY=//p' | head -1); " +
        "echo \"token chars: ${#T}\"; " +
        "for p in /v1/models /v1/files /api/oauth/claude_cli/create_api_key; do " +
        "echo \"GET $p -> $(curl -s -o /dev/null -w '%{http_code}' --unix-socket /run/nanoclaw/api.sock -H \"x-api-key: $T\" http://proxy$p)\"; done; " +
        "echo \"no token -> $(curl -s -o /dev/null -w '%{http_code}' --unix-socket /run/nanoclaw/api.sock -X POST -d '{}' http://proxy/v1/messages)\"";

    /// <summary>The same probe against the proxy's TCP listener, at the base URL Claude Code was given; plus a forged token.</summary>
    public const string TcpProbe =
        "echo HUNT-PROBE; E=$(for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\" 2>/dev/null; done); " +
        "T=$(echo \"$E\" | sed -n 's/^ANTHROPIC_API_KEY=//p' | head -1); B=$(echo \"$E\" | sed -n 's/^ANTHROPIC_BASE_URL=//p' | head -1); " +
        "echo \"token chars: ${#T} base: $B\"; " +
        "for p in /v1/models /v1/files /api/oauth/claude_cli/create_api_key; do " +
        "echo \"GET $p -> $(curl -s -o /dev/null -w '%{http_code}' -H \"x-api-key: $T\" $B$p)\"; done; " +
        "echo \"no token -> $(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' $B/v1/messages)\"; " +
        "echo \"forged token -> $(curl -s -o /dev/null -w '%{http_code}' -H 'x-api-key: nanoclaw-run-forged' -X POST -d '{}' $B/v1/messages)\"";

    /// <summary>The reply text that ends the scripted turn.</summary>
    public const string Done = "hunt done";

    /// <summary>A scripted Bash tool call.</summary>
    public static ScriptedReply Bash(string command, string description) =>
        ScriptedReply.ToolUse("Bash", new JsonObject { ["command"] = command, ["description"] = description });

    /// <summary>The three hunting steps and the closing text; <paramref name="tcp"/>: the proxy is reached over TCP.</summary>
    public static ScriptedReply[] Steps(bool tcp = false) =>
    [
        Bash(EnvHunt, "read every environment"),
        Bash(FileHunt, "search the files"),
        Bash(tcp ? TcpProbe : Probe, "probe the proxy"),
        ScriptedReply.Text(Done),
    ];

    /// <summary>The tool result that contains <paramref name="marker"/> (each step echoes its own marker first).</summary>
    public static string ResultOf(FakeAnthropicApi api, string marker)
    {
        var results = api.Requests.SelectMany(r => r.ToolResults).Select(RecordedRequest.ContentText).Distinct().ToList();
        return results.FirstOrDefault(t => t.Contains(marker, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException(
            $"no tool result with {marker}; results:\n{string.Join("\n---\n", results)}\n{ApiRequests.Describe(api)}");
    }

    /// <summary>Checks the hunt after the run ended (see the class summary); <paramref name="main"/>: main's project is mounted.</summary>
    public static async Task VerifyAsync(FakeAnthropicApi api, DaemonProcess daemon, bool main, bool tcp = false)
    {
        // The hunt really read Claude Code's own environment (its base URL is the in-container forwarder, or with
        // the TCP transport the proxy's listener as the container names it, and no socket) ...
        var env = ResultOf(api, "HUNT-ENV");
        Assert.Contains(tcp ? "ANTHROPIC_BASE_URL=http://host.containers.internal:" : "ANTHROPIC_BASE_URL=http://127.0.0.1:", env, StringComparison.Ordinal);
        if (tcp) Assert.DoesNotContain("NANOCLAW_API_SOCKET", env, StringComparison.Ordinal);
        Assert.Contains("ANTHROPIC_API_KEY=nanoclaw-run-", env, StringComparison.Ordinal);
        // ... searched the files (main: the project is mounted) ...
        var files = ResultOf(api, "HUNT-FILES");
        Assert.Contains("HUNT-FILES-END", files, StringComparison.Ordinal);
        Assert.Contains(main ? "project entries: " : "project entries: 0", files, StringComparison.Ordinal);
        if (main) Assert.DoesNotContain("project entries: 0\n", files, StringComparison.Ordinal);
        // ... and the proxy refused every other path, with the token and without it.
        var probe = ResultOf(api, "HUNT-PROBE");
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
}
