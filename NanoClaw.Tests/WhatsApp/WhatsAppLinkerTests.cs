using NanoClaw.Shell.WhatsApp;
using NanoClaw.Shell.WhatsApp.Linking;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.WhatsApp;

/// <summary><c>nanoclaw auth whatsapp</c>'s linking session against the fake sidecar.</summary>
[Trait("Category", "WhatsApp")]
public sealed class WhatsAppLinkerTests
{
    private static WhatsAppLinker Linker(ChannelHarness h, StringWriter output) =>
        new(h.Fake.Options(Path.Combine(h.Root, "auth")), output, ChannelHarness.Log, TimeSpan.FromMilliseconds(20));

    [NodeFact]
    public async Task An_unlinked_device_gets_a_QR_code_drawn_in_the_terminal_and_ends_linked()
    {
        await using var h = new ChannelHarness();
        h.Fake.SetFlag("not-linked", true);
        var output = new StringWriter();
        var outcome = await Linker(h, output).RunAsync(null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("WhatsApp linked as +15550009999", outcome.Message);
        Assert.Contains(QrRenderer.Render("fake-qr-payload,for-the-terminal"), output.ToString());
        // Linking needs the restart WhatsApp asks for after the scan: two connects, both in link mode.
        Assert.Equal(2, h.Fake.Connects().Count);
        Assert.All(h.Fake.Connects(), c => Assert.Contains("\"link\":true", c));

        // The daemon can now connect with that auth state.
        var channel = h.Channel();
        await channel.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => channel.IsConnected, "daemon connects after linking");
    }

    [NodeFact]
    public async Task With_a_phone_number_the_pairing_code_is_shown_instead_of_a_QR()
    {
        await using var h = new ChannelHarness();
        h.Fake.SetFlag("not-linked", true);
        var output = new StringWriter();
        var outcome = await Linker(h, output).RunAsync("15551234567", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("PAIR-4567", output.ToString());
        Assert.DoesNotContain("Scan this QR", output.ToString());
        Assert.Contains("\"phone\":\"15551234567\"", h.Fake.Connects()[0]);
    }

    [NodeFact]
    public async Task An_already_linked_device_is_reported_as_such()
    {
        await using var h = new ChannelHarness();
        var output = new StringWriter();
        var outcome = await Linker(h, output).RunAsync(null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("already linked as +15550009999", outcome.Message);
        Assert.DoesNotContain("Scan this QR", output.ToString());
    }

    [NodeFact]
    public async Task A_link_removed_on_the_phone_is_cleared_and_linked_again()
    {
        await using var h = new ChannelHarness();
        var auth = Path.Combine(h.Root, "auth");
        Directory.CreateDirectory(auth);
        File.WriteAllText(Path.Combine(auth, "creds.json"), "{}");
        h.Fake.SetFlag("revoked", true);
        var output = new StringWriter();
        var outcome = await Linker(h, output).RunAsync(null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("no longer valid", output.ToString());
        Assert.Contains("Scan this QR", output.ToString());
        Assert.False(File.Exists(Path.Combine(auth, "creds.json")));
        Assert.Contains("WhatsApp linked", outcome.Message);
    }

    [Fact]
    public async Task Missing_sidecar_packages_are_reported_with_the_install_command()
    {
        await using var h = new ChannelHarness();
        var dir = Path.Combine(h.Root, "sidecar");
        Directory.CreateDirectory(Path.Combine(dir, "src"));
        File.WriteAllText(Path.Combine(dir, "package.json"), "{}");
        File.WriteAllText(Path.Combine(dir, "src", "main.mjs"), "");
        var options = new NanoClaw.Shell.WhatsApp.Sidecar.SidecarOptions("node", dir, Path.Combine("src", "main.mjs"), Path.Combine(h.Root, "auth"));
        var outcome = await new WhatsAppLinker(options, new StringWriter(), ChannelHarness.Log).RunAsync(null, CancellationToken.None);
        Assert.Equal(WhatsAppExitCodes.SidecarUnavailable, outcome.ExitCode);
        Assert.Contains("bash scripts/install-sidecar.sh", outcome.Message);
    }
}
