using NanoClaw.Shell.WhatsApp;
using NanoClaw.Shell.WhatsApp.Sidecar;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.WhatsApp;

/// <summary>A test that needs the real sidecar's npm packages (scripts/install-sidecar.sh); skips locally without them, never under CI.</summary>
public sealed class SidecarFactAttribute : FactAttribute
{
    public static string SidecarDir => Path.Combine(Requirements.RepoRoot(), "NanoClaw.Shell", "WhatsApp", "sidecar");

    public SidecarFactAttribute() =>
        Skip = Requirements.SkipUnless(Requirements.HasNode && Directory.Exists(Path.Combine(SidecarDir, "node_modules")),
            "the WhatsApp sidecar's packages (bash scripts/install-sidecar.sh)");
}

/// <summary>The channel with the real Baileys sidecar. WhatsApp is unreachable here, so only what needs no server is checked.</summary>
[Trait("Category", "WhatsApp")]
public sealed class RealSidecarTests
{
    [SidecarFact]
    public async Task The_daemon_with_no_linked_device_stops_at_once_saying_how_to_link()
    {
        await using var h = new ChannelHarness();
        var options = SidecarOptions.ForProject(Requirements.RepoRoot(), Path.Combine(h.Root, "store", "auth"));
        await using var channel = new WhatsAppChannel(options, new NanoClaw.Core.Config.AssistantOptions("Andy", false),
            h.Store.Outbox, h.Store.GroupSync, TimeProvider.System, ChannelHarness.Log, ChannelHarness.FastTiming);
        await channel.ConnectAsync(CancellationToken.None);

        var end = await channel.Terminated.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(WhatsAppStopKind.NotLinked, end.Kind);
        Assert.Contains("nanoclaw auth whatsapp", end.Message);
        Assert.Equal(1, channel.SidecarStarts);
    }
}
