using Microsoft.Extensions.Time.Testing;
using NanoClaw.Core.Channels;
using NanoClaw.Shell.Pairing;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.WhatsApp;

namespace NanoClaw.Tests.Shell.Pairing;

/// <summary>
/// Pairing on the inbound path: the real WhatsApp channel (fake sidecar process) feeding the real ingestion and a real
/// SQLite store, with the code in a real <c>store/pairing.json</c>. Nothing here is Telegram-specific: any channel's
/// private chat pairs the same way.
/// </summary>
[Trait("Category", "Telegram")]
public sealed class PairingGateTests
{
    private const string Family = "120363000000000001@g.us";
    private const string OtherGroup = "120363000000000002@g.us";
    private const string Alice = "15557654321@s.whatsapp.net";
    private const string Bob = "15550001111@s.whatsapp.net";
    private static readonly DateTimeOffset Issued = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private sealed record Rig(ChannelHarness H, NanoClaw.Shell.WhatsApp.WhatsAppChannel Channel, NanoClaw.Shell.Ingest.InboundIngest Ingest,
        PairingCodeFile Code, FakeTimeProvider Clock, List<string> Registered);

    private static async Task<Rig> StartAsync(ChannelHarness h, string code)
    {
        h.Store.Register(Family, "family");
        var clock = new FakeTimeProvider(Issued);
        var file = new PairingCodeFile(h.StoreDir);
        file.Write(NanoClaw.Core.Channels.Pairing.Issue(code, Issued));
        var channel = h.Channel();
        var registered = new List<string>();
        var gate = new PairingGate(h.Store.Db, file, Path.Combine(h.Root, "groups"), "Andy", TimeZoneInfo.Utc, clock, ChannelHarness.Log)
        {
            Registered = g => { lock (registered) registered.Add(g.Jid); },
            Reply = (jid, text) => _ = channel.SendAsync(jid, "Andy: " + text, CancellationToken.None),
        };
        var ingest = new NanoClaw.Shell.Ingest.InboundIngest(h.Store.Ingest, ChannelHarness.Log) { Unregistered = gate.Offer };
        ingest.Attach(channel);
        await channel.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => channel.IsConnected, "connection open");
        return new Rig(h, channel, ingest, file, clock, registered);
    }

    /// <summary>A message to the registered group, waited for: every event the sidecar sent before it has been handled.</summary>
    private static async Task BarrierAsync(ChannelHarness h, string id)
    {
        h.Fake.EmitMessage(Family, id, "marker");
        await ChannelHarness.Eventually(() => h.Store.Messages().Any(m => m.Id == id), "marker " + id + " stored");
    }

    [NodeFact]
    public async Task The_first_private_chat_that_sends_the_code_becomes_main_once_and_groups_or_wrong_codes_change_nothing()
    {
        await using var h = new ChannelHarness();
        var rig = await StartAsync(h, "QRST-2345");

        h.Fake.EmitChat(OtherGroup, "Strangers");
        h.Fake.EmitMessage(OtherGroup, "G1", "QRST-2345");          // right code, but a group
        h.Fake.EmitMessage(Alice, "A1", "QRST-2346");               // private, wrong code
        await BarrierAsync(h, "B1");
        Assert.Empty(rig.Registered);
        Assert.True(File.Exists(rig.Code.Path), "a wrong code or a group leaves the code pending");

        h.Fake.EmitMessage(Alice, "A2", " qrst 2345 ");             // private, the code as typed
        await ChannelHarness.Eventually(() => h.Store.Db.Groups.All().Exists(g => g.IsMain), "Alice's chat registered as main");
        var main = h.Store.Db.Groups.All().Single(g => g.IsMain);
        Assert.Equal((Alice, "main", false), (main.Jid, main.Folder, main.RequiresTrigger));
        Assert.False(File.Exists(rig.Code.Path), "the code is single use");
        // The gate stores the group first and then writes its files: the memory file follows the row, so wait for it.
        await ChannelHarness.Eventually(() => File.Exists(Path.Combine(h.Root, "groups", "main", "CLAUDE.md")), "main's memory file is created");
        // The gate stores the group first and tells its listener after: wait for the listener too.
        await ChannelHarness.Eventually(() => { lock (rig.Registered) return rig.Registered.Count > 0; }, "the registration reported");
        lock (rig.Registered) Assert.Equal([Alice], rig.Registered);
        await ChannelHarness.Eventually(() => h.Fake.Sent().Any(s => s.Jid == Alice), "Alice is told");
        Assert.Contains("main chat", Assert.Single(h.Fake.Sent(), s => s.Jid == Alice).Text);
        Assert.DoesNotContain(h.Store.Messages(), m => m.Id is "A1" or "A2" or "G1");

        h.Fake.EmitMessage(Bob, "X1", "QRST-2345");                 // the same code again, from another private chat
        await BarrierAsync(h, "B2");
        Assert.Equal([Family, Alice], h.Store.Db.Groups.All().Select(g => g.Jid).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(h.Fake.Sent(), s => s.Jid == Bob);
        rig.Ingest.Dispose();
    }

    [NodeFact]
    public async Task With_a_main_group_the_code_is_used_up_and_the_chat_is_registered_nowhere()
    {
        await using var h = new ChannelHarness();
        h.Store.Db.Groups.Upsert(new NanoClaw.Core.Domain.RegisteredGroup("local:main", "Main", "main", "@Andy", "2026-01-01T00:00:00.000Z",
            LanguageExt.Prelude.None, false, true)).IfLeft(e => Assert.Fail(e));
        var rig = await StartAsync(h, "ABCD-EFGH");

        h.Fake.EmitMessage(Alice, "A1", "abcd-efgh");
        await ChannelHarness.Eventually(() => !File.Exists(rig.Code.Path), "the code consumed");
        await ChannelHarness.Eventually(() => h.Fake.Sent().Any(s => s.Jid == Alice), "Alice is told");
        Assert.Contains("not registered", h.Fake.Sent().Single(s => s.Jid == Alice).Text);
        Assert.Equal([Family, "local:main"], h.Store.Db.Groups.All().Select(g => g.Jid).Order(StringComparer.Ordinal));
        Assert.Empty(rig.Registered);
        rig.Ingest.Dispose();
    }

    [NodeFact]
    public async Task An_expired_code_is_discarded_and_pairs_nothing()
    {
        await using var h = new ChannelHarness();
        var rig = await StartAsync(h, "ABCD-EFGH");
        rig.Clock.Advance(NanoClaw.Core.Channels.Pairing.Lifetime);

        h.Fake.EmitMessage(Alice, "A1", "ABCD-EFGH");
        await ChannelHarness.Eventually(() => !File.Exists(rig.Code.Path), "the expired code discarded");
        await BarrierAsync(h, "B1");
        Assert.False(h.Store.Db.Groups.All().Exists(g => g.IsMain));
        Assert.DoesNotContain(h.Fake.Sent(), s => s.Jid == Alice);
        rig.Ingest.Dispose();
    }

    [Fact]
    public void The_code_file_is_private_to_the_user_and_holds_only_a_hash()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nanoclaw-pairing-" + Guid.NewGuid().ToString("N"));
        try
        {
            var file = new PairingCodeFile(Path.Combine(dir, "store"));
            file.Write(NanoClaw.Core.Channels.Pairing.Issue("WXYZ-2345", Issued));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.Path));
            var text = File.ReadAllText(file.Path);
            Assert.DoesNotContain("WXYZ", text, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(NanoClaw.Core.Channels.Pairing.Issue("WXYZ-2345", Issued), file.Read().Case as PendingPairing);
            file.Delete();
            Assert.True(file.Read().IsNone);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
