using System.Text.Json;
using NanoClaw.Shell.WhatsApp.Sidecar;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.WhatsApp;

/// <summary>F19: the sidecar (Node, Baileys and its dependency tree) gets a cleared environment, never the daemon's secrets.</summary>
[Trait("Category", "WhatsApp")]
public sealed class SidecarEnvironmentTests
{
    [NodeFact]
    public async Task The_sidecar_starts_with_only_path_home_node_and_its_own_settings()
    {
        // Names unique to this test, so other tests in the process are not affected.
        var tag = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var secretName = $"NANOCLAW_ANTHROPIC_API_KEY_{tag}";
        var ownName = $"NANOCLAW_SIDECAR_TEST_{tag}";
        var nodeName = $"NODE_TEST_{tag}";
        Environment.SetEnvironmentVariable(secretName, "sk-ant-must-not-reach-the-sidecar");
        Environment.SetEnvironmentVariable(ownName, "kept");
        Environment.SetEnvironmentVariable(nodeName, "kept-too");
        try
        {
            await using var h = new ChannelHarness();
            var channel = h.Channel();
            await channel.ConnectAsync(CancellationToken.None);
            var envFile = Path.Combine(h.Fake.Dir, "env.json");
            await ChannelHarness.Eventually(() => File.Exists(envFile) && File.ReadAllText(envFile).EndsWith('}'), "the fake sidecar's environment report");

            var env = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(envFile))!;
            Assert.DoesNotContain(secretName, env.Keys);
            Assert.DoesNotContain(env.Values, v => v.Contains("sk-ant-must-not-reach-the-sidecar", StringComparison.Ordinal));
            Assert.Equal("kept", env[ownName]);
            Assert.Equal("kept-too", env[nodeName]);
            Assert.Equal(Environment.GetEnvironmentVariable("PATH"), env["PATH"]);
            Assert.Equal(Environment.GetEnvironmentVariable("HOME"), env["HOME"]);
            Assert.Equal(h.Fake.Dir, env["NANOCLAW_SIDECAR_FAKE_DIR"]); // set by the options (explicit variables are added after clearing)
            // Nothing else from the daemon's environment (Node may add a few of its own, none of ours).
            Assert.All(env.Keys, k => Assert.True(
                k is "PATH" or "HOME" || k.StartsWith("NODE_", StringComparison.Ordinal) || k.StartsWith("NANOCLAW_SIDECAR_", StringComparison.Ordinal)
                || Environment.GetEnvironmentVariable(k) is null,
                $"inherited {k}"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(secretName, null);
            Environment.SetEnvironmentVariable(ownName, null);
            Environment.SetEnvironmentVariable(nodeName, null);
        }
    }

    [Fact]
    public void The_inherited_part_is_path_home_node_and_sidecar_settings_only()
    {
        var env = new System.Collections.Hashtable
        {
            ["PATH"] = "/bin", ["HOME"] = "/home/u", ["NODE_EXTRA_CA_CERTS"] = "/ca.pem", ["NANOCLAW_SIDECAR_LOG_LEVEL"] = "debug",
            ["NANOCLAW_ANTHROPIC_API_KEY"] = "sk", ["ANTHROPIC_API_KEY"] = "sk", ["CLAUDE_CODE_OAUTH_TOKEN"] = "t", ["AWS_SECRET_ACCESS_KEY"] = "a",
            ["NANOCLAW_SIDECAR"] = "x", ["node_options"] = "lowercase is another variable",
        };
        Assert.Equal(["HOME", "NANOCLAW_SIDECAR_LOG_LEVEL", "NODE_EXTRA_CA_CERTS", "PATH"],
            SidecarProcess.InheritedEnvironment(env).Select(kv => kv.Key).Order(StringComparer.Ordinal));
    }
}
