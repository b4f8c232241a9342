using System.Text.Json.Nodes;
using NanoClaw.Tests.Agent;
using NanoClaw.Tests.EndToEnd;
using NanoClaw.Tests.Shell.Config;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.Usage;

/// <summary>
/// Issue 19 end to end: the real daemon, the real image and Claude Code against the fake API, whose every response
/// reports known usage. Two turns in one container; <c>nanoclaw status</c> sees the container while it runs and not
/// after; <c>nanoclaw usage --json</c> shows the exact totals, counted by the credential proxy and reported by the runner alike.
/// </summary>
[Trait("Category", "Dashboard")]
[Collection("RealClaude")]
public sealed class UsageEndToEndTests : IClassFixture<AgentImageFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Turn = TimeSpan.FromSeconds(180);
    private static readonly FakeUsage PerResponse = new(100, 20, 30, 40);

    /// <summary>List prices (USD per million tokens: input, output, cache write, cache read) the pinned Claude Code applies.</summary>
    private static readonly Dictionary<string, (decimal In, decimal Out, decimal Write, decimal Read)> Prices = new()
    {
        ["claude-opus-5-5"] = (4m, 20m, 5m, 0.2m),
    };

    private readonly AgentImageFixture image;
    private FakeAnthropicApi api = null!;
    private Installation installation = null!;
    private DaemonProcess? daemon;

    public UsageEndToEndTests(AgentImageFixture image) => this.image = image;

    public async Task InitializeAsync()
    {
        api = await FakeAnthropicApi.StartAsync();
        api.FixedUsage = PerResponse;
        installation = new Installation(api, whatsApp: false);
    }

    public async Task DisposeAsync()
    {
        if (daemon is not null)
        {
            await daemon.DisposeAsync();
            Installation.RemoveContainers(daemon.StartedContainers.Select(c => c.Name));
        }
        await api.DisposeAsync();
        installation.Dispose();
    }

    private JsonObject Cli(params string[] args)
    {
        var result = NanoclawProcess.Run(installation.Root, new Dictionary<string, string>(), [.. args, "--json"]);
        Assert.True(result.ExitCode == 0, $"nanoclaw {string.Join(' ', args)} exited {result.ExitCode}: {result.StdErr}");
        return JsonNode.Parse(result.StdOut)!.AsObject();
    }

    private JsonArray RunningNow() => Cli("status")["running"]!.AsArray();

    [ClaudeImageFact]
    public async Task Two_turns_show_in_status_while_running_and_in_usage_with_exact_totals()
    {
        Assert.True(image.Problem is null, image.Problem);
        api.Script(ScriptedReply.Text("First answer."), ScriptedReply.Text("Second answer."));
        daemon = await DaemonProcess.StartAsync(installation.Root);
        await using var chat = await ChatSession.OpenAsync(installation.SocketPath, "main");

        await chat.SayAsync("first question");
        await chat.WaitForReplyContainingAsync("First answer.", Turn);
        var container = Assert.Single(daemon.StartedContainers, c => c.Folder == "main").Name;

        var running = Assert.Single(RunningNow())!.AsObject();
        Assert.Equal(("main", "local:main", container), ((string?)running["group"], (string?)running["jid"], (string?)running["container"]));
        Assert.NotNull((string?)running["since"]);
        Assert.Contains((string?)running["state"], new[] { "idle", "busy" });
        var channels = Cli("status")["channels"]!.AsArray();
        Assert.Contains(channels, c => (string?)c!["name"] == "local" && (bool?)c!["connected"] == true);

        await chat.SayAsync("second question");
        await chat.WaitForReplyContainingAsync("Second answer.", Turn);
        // Usually the second question is piped into the same container; on a loaded machine the status commands above
        // can outlast the test installation's 6 s idle timeout, and a second container answers. Either way the totals
        // below are exact: one run per container the daemon started.
        var containers = daemon.StartedContainers.Where(c => c.Folder == "main").Select(c => c.Name).ToList();
        foreach (var name in containers) await daemon.WaitForContainerEndAsync(name, TimeSpan.FromSeconds(90));

        // The core learns of the exit just after the runtime reports it; status follows the core.
        await Eventually.TrueAsync(() => RunningNow().Count == 0, TimeSpan.FromSeconds(30), () => "status still shows a running container");
        var report = Cli("usage", "--since", "1d", "--by", "group");
        var total = report["total"]!.AsObject();
        var responses = api.Requests.Where(r => r.Path.StartsWith("/v1/messages", StringComparison.Ordinal) && !r.Path.Contains("count_tokens")).ToList();
        Assert.Equal(api.MessagesAnswered, responses.Count);
        var n = responses.Count;
        Assert.True(n >= 2, ApiRequests.Describe(api));
        Assert.Equal(((long)containers.Count, 2L), ((long)total["runs"]!, (long)total["turns"]!));
        Assert.Equal(
            (100L * n, 20L * n, 30L * n, 40L * n),
            ((long)total["inputTokens"]!, (long)total["outputTokens"]!, (long)total["cacheCreationInputTokens"]!, (long)total["cacheReadInputTokens"]!));
        // The tokens above are the credential proxy's count (read on the host from each answer): the whole run's, equal
        // to the fake API's totals, and equal to what the honest runner reported, so no run is flagged.
        Assert.Equal((long)containers.Count, (long)total["proxyCountedRuns"]!);
        var reported = total["reportedByAgent"]!;
        Assert.Equal(
            (100L * n, 20L * n, 30L * n, 40L * n),
            ((long)reported["inputTokens"]!, (long)reported["outputTokens"]!, (long)reported["cacheCreationInputTokens"]!, (long)reported["cacheReadInputTokens"]!));
        Assert.Empty(report["mismatches"]!.AsArray());
        var expectedCost = responses.Sum(r =>
        {
            var model = (string?)r.Body?["model"] ?? "";
            Assert.True(Prices.ContainsKey(model), $"Claude Code asked for {model}: add its list price to this test");
            var p = Prices[model];
            return (PerResponse.InputTokens * p.In + PerResponse.OutputTokens * p.Out
                    + PerResponse.CacheCreationInputTokens * p.Write + PerResponse.CacheReadInputTokens * p.Read) / 1_000_000m;
        });
        Assert.Equal(expectedCost, (decimal)total["costUsd"]!);
    }
}
