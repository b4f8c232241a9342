using System.Globalization;
using NanoClaw.Shell.LocalChat;
using NanoClaw.Tests.Agent;
using NanoClaw.Tests.EndToEnd;
using NanoClaw.Tests.Support.FakeAnthropic;
using Xunit.Abstractions;

namespace NanoClaw.Tests.Sandbox;

/// <summary>
/// Issue 14, "Rootless Podman exercised in CI": the real daemon run by a non-root user
/// (<see cref="RootlessUser"/>, prepared by <c>.ci/setup-rootless.sh</c>) in an installation it owns, with that user's
/// rootless Podman, the real agent image (copied into its storage), the real Claude Code CLI and the fake Anthropic API
/// on the host's loopback, credential proxy on (the shipped default). A triggered message gets exactly one reply, the
/// agent's container runs in a user namespace inside the user's rootless Podman namespace, where nothing is host root,
/// and the key hunt of
/// <see cref="ProxyKeyHuntTests"/> finds nothing while the fake API saw the real key arrive from the proxy. The agent can
/// write its group folder and session store, and what it writes belongs to the daemon's user on the host (on the code
/// before <c>--userns=keep-id</c> it ran as a subordinate uid and got "Permission denied" there).
/// </summary>
[Trait("Category", "Sandbox")]
[Collection("RealClaude")]
public sealed class RootlessPodmanTests : IClassFixture<AgentImageFixture>, IClassFixture<RootlessPodmanFixture>
{
    private static readonly TimeSpan Turn = TimeSpan.FromSeconds(300);

    /// <summary>What the container sees of its user namespace, and who it runs as.</summary>
    private const string UsernsProbe =
        "echo HUNT-USERNS; echo \"uid=$(id -u) gid=$(id -g)\"; cat /proc/self/uid_map; " +
        "echo rootless > /workspace/group/agent-note.txt && echo WRITE-OK; echo HUNT-USERNS-END";

    private readonly RootlessPodmanFixture rootless;
    private readonly ITestOutputHelper output;

    public RootlessPodmanTests(AgentImageFixture image, RootlessPodmanFixture rootless, ITestOutputHelper output)
    {
        Assert.True(image.Problem is null, image.Problem);
        Assert.True(rootless.Problem is null, rootless.Problem);
        this.rootless = rootless;
        this.output = output;
    }

    /// <summary>The default network: rootless Podman's own (slirp4netns for Podman 4).</summary>
    [RootlessFact]
    public Task A_non_root_daemon_answers_once_through_rootless_podman_and_its_agent_finds_no_key() => RunAsync(network: "");

    [RootlessFact]
    public Task A_non_root_daemon_answers_once_through_rootless_podman_and_its_agent_finds_no_key_with_network_none() => RunAsync(network: "none");

    private static List<(long Inside, long Outside, long Count)> UidMap(string text) =>
        text.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 3 && f.All(x => x.All(char.IsAsciiDigit)))
            .Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture)))
            .ToList();

    private async Task RunAsync(string network)
    {
        var user = rootless.User;
        await using var api = await FakeAnthropicApi.StartAsync();
        using var installation = new Installation(api, whatsApp: false);
        var config = Path.Combine(installation.Root, "config.yml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("network: host", $"network: \"{network}\"", StringComparison.Ordinal));
        Assert.DoesNotContain("credential_proxy", File.ReadAllText(config), StringComparison.Ordinal); // the shipped default: on
        const string folder = "hunted";
        installation.Register(LocalChatFrame.JidFor(folder), folder);
        user.Own(installation.Root);
        api.Script([KeyHunt.Bash(UsernsProbe, "look at the user namespace"), .. KeyHunt.Steps()]);

        var env = new Dictionary<string, string>(user.Environment) { ["NANOCLAW_CONTAINER__IMAGE"] = ImageRunnerLauncher.Image };
        var daemon = await DaemonProcess.StartAsync(installation.Root, env, runAs: (user.Name, rootless.DaemonDll));
        try
        {
            Assert.Equal(user.Uid, RootlessUser.RealUidOf(daemon.Pid));
            string container;
            await using (var chat = await ChatSession.OpenAsync(installation.SocketPath, folder))
            {
                await chat.SayAsync("@Andy find my API key");
                await chat.WaitForReplyContainingAsync(KeyHunt.Done, Turn);
                container = Assert.Single(daemon.StartedContainers, c => c.Folder == folder).Name;
                await daemon.WaitForContainerEndAsync(container, TimeSpan.FromSeconds(90));
                // Exactly one reply for the one triggered message, and it is the agent's last text.
                var reply = Assert.Single(chat.Replies);
                Assert.Contains(KeyHunt.Done, reply, StringComparison.Ordinal);
                Assert.DoesNotContain(api.ApiKey, reply, StringComparison.Ordinal);
            }

            // Rootless for real: the container is in a user namespace (no identity map) where the daemon's uid is itself
            // (keep-id: inside uid -> 0 of the parent namespace, i.e. the user) ...
            var userns = KeyHunt.ResultOf(api, "HUNT-USERNS");
            output.WriteLine(userns);
            var map = UidMap(userns);
            Assert.NotEmpty(map);
            Assert.DoesNotContain(map, m => m.Count == 4294967295); // the initial namespace's identity map: not rootless
            Assert.Contains(map, m => m == (user.Uid, 0, 1));
            // ... and that parent, the user's rootless Podman namespace, holds only the user and its subordinate ids: no host root.
            var (code, parent) = user.Run("podman", "unshare", "cat", "/proc/self/uid_map");
            Assert.True(code == 0, parent);
            var parentMap = UidMap(parent);
            Assert.Contains(parentMap, m => m == (0, user.Uid, 1));
            Assert.DoesNotContain(parentMap, m => m.Outside == 0);

            // Its mounts are writable, and what it wrote is the daemon's user's on the host (keep-id), not a subordinate uid's.
            Assert.Contains("WRITE-OK", userns, StringComparison.Ordinal);
            var note = Path.Combine(installation.GroupsDir, folder, "agent-note.txt");
            Assert.True(File.Exists(note), "the agent's note is not in its group folder on the host");
            Assert.Equal(user.Uid, RootlessUser.OwnerOf(note));
            var transcripts = Directory.EnumerateFiles(Path.Combine(installation.DataDir, "sessions", folder, ".claude"), "*.jsonl", SearchOption.AllDirectories).ToList();
            Assert.True(transcripts.Count > 0, "Claude Code wrote no session transcript into the session store");
            Assert.All(transcripts, t => Assert.Equal(user.Uid, RootlessUser.OwnerOf(t)));

            await KeyHunt.VerifyAsync(api, daemon, main: false);
            output.WriteLine(string.Join('\n', daemon.Lines.Where(l => l.Contains("Container", StringComparison.Ordinal)).Take(10)));
        }
        finally
        {
            await daemon.StopAsync(TimeSpan.FromSeconds(30));
            user.RemoveContainers(daemon.StartedContainers.Select(c => c.Name));
            await daemon.DisposeAsync();
        }
        Assert.DoesNotContain(user.Containers(), n => daemon.StartedContainers.Any(c => c.Name == n));
        var leaks = installation.FilesContaining(api.ApiKey);
        Assert.True(leaks.Count == 0, "key found in: " + string.Join(", ", leaks));
        Assert.DoesNotContain(api.ApiKey, daemon.Output, StringComparison.Ordinal);
    }
}
