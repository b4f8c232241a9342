using NanoClaw.Shell.LocalChat;
using NanoClaw.Tests.Agent;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.EndToEnd;

/// <summary>
/// One real daemon shared by the local chat scenarios: WhatsApp off, so <c>local:main</c> is the main group, plus
/// one pre-registered non-main group per scenario (each scenario talks in its own group, so they do not disturb
/// each other's cursors, sessions or containers). The fake API's script is shared: scenarios run one at a time.
/// </summary>
public sealed class LocalChatDaemonFixture : IAsyncLifetime
{
    /// <summary>Non-main groups registered before boot, one per scenario.</summary>
    public static readonly string[] Groups = ["triggered", "context", "followup", "progress", "reminders", "nosy", "cli", "closing", "taskwait"];

    public FakeAnthropicApi Api { get; private set; } = null!;
    public Installation Installation { get; private set; } = null!;
    public DaemonProcess Daemon { get; private set; } = null!;

    /// <summary>Null when the environment can run the scenarios (image built, Podman, CLI), else why not.</summary>
    public string? Problem { get; private set; }

    public async Task InitializeAsync()
    {
        if (!Requirements.HasPodman || Requirements.ClaudeCli is null)
        {
            Problem = "podman or the Claude Code CLI is missing";
            if (!Requirements.IsCi) return;
        }
        Problem = new AgentImageFixture().Problem;
        if (Problem is not null) return;
        Api = await FakeAnthropicApi.StartAsync();
        Installation = new Installation(Api, whatsApp: false);
        foreach (var folder in Groups) Installation.Register(LocalChatFrame.JidFor(folder), folder);
        Daemon = await DaemonProcess.StartAsync(Installation.Root);
    }

    public Task<ChatSession> ChatAsync(string folder) => ChatSession.OpenAsync(Installation.SocketPath, folder);

    public async Task DisposeAsync()
    {
        if (Daemon is not null)
        {
            await Daemon.DisposeAsync();
            Installation.RemoveContainers(Daemon.StartedContainers.Select(c => c.Name));
        }
        if (Api is not null) await Api.DisposeAsync();
        Installation?.Dispose();
    }
}
