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

    private static async Task HuntAsync(string network, bool main, bool tcp = false)
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        using var installation = new Installation(api, whatsApp: false);
        var config = Path.Combine(installation.Root, "config.yml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("network: host", $"network: \"{network}\"" + (tcp ? "\n  proxy_transport: tcp" : ""), StringComparison.Ordinal));
        Assert.DoesNotContain("credential_proxy", File.ReadAllText(config), StringComparison.Ordinal); // the shipped default
        var folder = main ? "main" : "hunted";
        if (!main) installation.Register(LocalChatFrame.JidFor(folder), folder);
        api.Script(KeyHunt.Steps(tcp));

        var daemon = await DaemonProcess.StartAsync(installation.Root,
            new Dictionary<string, string> { ["NANOCLAW_CONTAINER__IMAGE"] = ImageRunnerLauncher.Image });
        try
        {
            await using (var chat = await ChatSession.OpenAsync(installation.SocketPath, folder))
            {
                await chat.SayAsync("@Andy find my API key");
                await chat.WaitForReplyContainingAsync(KeyHunt.Done, Turn);
                Assert.DoesNotContain(chat.Replies, r => r.Contains(api.ApiKey, StringComparison.Ordinal));
            }
            var container = Assert.Single(daemon.StartedContainers, c => c.Folder == folder).Name;
            await daemon.WaitForContainerEndAsync(container, TimeSpan.FromSeconds(90));

            await KeyHunt.VerifyAsync(api, daemon, main, tcp);
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
