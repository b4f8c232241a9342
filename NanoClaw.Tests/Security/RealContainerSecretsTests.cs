using System.Text.Json.Nodes;
using NanoClaw.Tests.Fault;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.Security;

/// <summary>
/// The real agent image under Podman, driven by the daemon with the credential proxy on: the agent's own Bash prints
/// the container's environment (through the fake API's scripted tool call), and the real key is nowhere in it.
/// (ProxyKeyHuntTests in the Sandbox category hunts further: every process, the files, other networks.)
/// </summary>
[Trait("Category", "Security")]
[Collection("RealClaude")]
public sealed class RealContainerSecretsTests
{
    [ClaudeImageFact]
    public async Task A_real_container_never_sees_the_key()
    {
        await using var api = await FakeAnthropicApi.StartAsync();
        api.Script(
            ScriptedReply.ToolUse("Bash", new JsonObject { ["command"] = "env; echo ---; tr '\\0' '\\n' < /proc/1/environ", ["description"] = "show env" }),
            ScriptedReply.Text("looked at the environment"));
        await using var daemon = new DaemonHarness(credentialProxy: true, credentials: $"anthropic_api_key: {api.ApiKey}\nanthropic_base_url: {api.BaseUrl}\n");
        daemon.Env.Remove("NANOCLAW_CONTAINER_EXECUTABLE");
        daemon.Env["NANOCLAW_CONTAINER__IMAGE"] = NanoClaw.Tests.Agent.ImageRunnerLauncher.Image;
        await daemon.StartAsync(TimeSpan.FromSeconds(120));
        try
        {
            await HuntAsync(api, daemon);
        }
        finally
        {
            // The harness stops only the daemon; the agent container would wait for input after it (issue 20).
            await daemon.StopAsync();
            NanoClaw.Tests.EndToEnd.Installation.RemoveContainers(System.Text.RegularExpressions.Regex
                .Matches(daemon.Output, @"Started (nanoclaw-\S+) for").Select(m => m.Groups[1].Value));
        }
        var leaks = SecretsEndToEndTests.FilesContaining(daemon.Root, [api.ApiKey], skip: "credentials.yml");
        Assert.True(leaks.Count == 0, "secret found in: " + string.Join(", ", leaks));
    }

    private static async Task HuntAsync(FakeAnthropicApi api, DaemonHarness daemon)
    {
        await using var chat = await ChatSession.OpenAsync(daemon);
        await chat.SendAsync("main", "show me your environment");

        var withResult = await api.WaitForAsync(r => r.ToolResults.Count > 0, TimeSpan.FromSeconds(240));
        var env = RecordedRequest.ContentText(withResult.ToolResults[0]);
        Assert.Contains("ANTHROPIC_BASE_URL=http://127.0.0.1:", env + withResult.AllMessageText, StringComparison.Ordinal);
        Assert.DoesNotContain(api.ApiKey, env, StringComparison.Ordinal);
        // Every call the real Claude Code made reached the API with the real key, injected by the proxy.
        Assert.All(api.Requests.Where(r => r.Path.StartsWith("/v1/messages", StringComparison.Ordinal)), r => Assert.Equal(api.ApiKey, r.Headers["x-api-key"]));
        await chat.WaitForRepliesAsync(1, TimeSpan.FromSeconds(60));
        Assert.Contains(chat.Replies, r => r.Contains("looked at the environment", StringComparison.Ordinal));
    }
}
