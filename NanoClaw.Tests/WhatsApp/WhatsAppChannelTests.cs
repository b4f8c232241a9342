using NanoClaw.Core.Domain;
using NanoClaw.Core.Security;
using NanoClaw.Shell.WhatsApp;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.WhatsApp;

/// <summary>The WhatsApp channel against the fake sidecar process and a real SQLite file.</summary>
[Trait("Category", "WhatsApp")]
public sealed class WhatsAppChannelTests
{
    private const string Registered = "120363000000000001@g.us";
    private const string Unregistered = "120363000000000002@g.us";
    private const string Person = "15557654321@s.whatsapp.net";

    [NodeFact]
    public async Task Inbound_messages_are_stored_only_for_registered_groups_while_metadata_is_kept_for_all()
    {
        await using var h = new ChannelHarness();
        h.Store.Register(Registered, "family");
        var channel = h.Channel();
        using var ingest = h.Ingest();
        ingest.Attach(channel);
        await channel.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => channel.IsConnected, "connection open");

        h.Fake.EmitChat(Registered, "Family");
        h.Fake.EmitChat(Unregistered, null, "2026-01-31T14:33:00.000Z");
        h.Fake.EmitChat(Person, "Bob");
        h.Fake.EmitMessage(Unregistered, "U1", "not for the store");
        h.Fake.EmitMessage(Person, "P1", "private chat, not registered");
        h.Fake.EmitMessage(Registered, "R1", "hello @Andy");
        await ChannelHarness.Eventually(() => h.Store.Messages().Count == 1, "the registered group's message stored");

        var stored = Assert.Single(h.Store.Messages());
        Assert.Equal(("R1", Registered, "hello @Andy"), (stored.Id, stored.ChatJid, stored.Content));
        var chats = h.Store.Chats().Where(c => c.Jid != "__group_sync__").ToList();
        Assert.Equal([Registered, Unregistered, Person], chats.Select(c => c.Jid).Order(StringComparer.Ordinal));
        Assert.Equal("Family", chats.Single(c => c.Jid == Registered).Name);
        Assert.Equal("2026-01-31T14:33:00.000Z", chats.Single(c => c.Jid == Unregistered).Time);
    }

    [NodeFact]
    public async Task A_drop_mode_sender_allowlist_keeps_strangers_out_of_the_store_but_not_the_user()
    {
        await using var h = new ChannelHarness();
        h.Store.Register(Registered, "family");
        var allowlist = new SenderAllowlist(AllowlistEntry.Everyone,
            LanguageExt.Prelude.Map((Registered, new AllowlistEntry(false, LanguageExt.Prelude.Set("15550001111@s.whatsapp.net"), AllowlistMode.Drop))), true);
        var channel = h.Channel();
        using var ingest = h.Ingest(allowlist);
        ingest.Attach(channel);
        await channel.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => channel.IsConnected, "connection open");

        h.Fake.EmitMessage(Registered, "STRANGER", "hi", sender: "15559999999@s.whatsapp.net");
        h.Fake.EmitMessage(Registered, "FRIEND", "hello", sender: "15550001111@s.whatsapp.net");
        h.Fake.EmitMessage(Registered, "ME", "from my phone", isFromMe: true, sender: "15559999999@s.whatsapp.net");
        await ChannelHarness.Eventually(() => h.Store.Messages().Count == 2, "two messages stored");
        h.Fake.EmitChat(Person, "marker");
        await ChannelHarness.Eventually(() => h.Store.Chats().Any(c => c.Name == "marker"), "marker handled");

        Assert.Equal(["FRIEND", "ME"], h.Store.Messages().Select(m => m.Id));
    }

    [NodeFact]
    public async Task Bot_messages_are_flagged_by_prefix_without_an_own_number_and_by_from_me_with_one()
    {
        foreach (var ownNumber in new[] { false, true })
        {
            await using var h = new ChannelHarness();
            h.Store.Register(Registered, "family");
            var channel = h.Channel(hasOwnNumber: ownNumber);
            using var ingest = h.Ingest();
            ingest.Attach(channel);
            await channel.ConnectAsync(CancellationToken.None);
            await ChannelHarness.Eventually(() => channel.IsConnected, "connection open");

            h.Fake.EmitMessage(Registered, "A", "Andy: here is the answer", isFromMe: false);
            h.Fake.EmitMessage(Registered, "B", "Andy: sent from my phone", isFromMe: true);
            h.Fake.EmitMessage(Registered, "C", "plain words from me", isFromMe: true);
            h.Fake.EmitMessage(Registered, "D", "plain words from Alice", isFromMe: false);
            await ChannelHarness.Eventually(() => h.Store.Messages().Count == 4, "four messages stored");

            var bot = h.Store.Messages().ToDictionary(m => m.Id, m => m.IsBot == 1);
            var expected = ownNumber
                ? new Dictionary<string, bool> { ["A"] = false, ["B"] = true, ["C"] = true, ["D"] = false }
                : new Dictionary<string, bool> { ["A"] = true, ["B"] = true, ["C"] = false, ["D"] = false };
            Assert.Equal(expected, bot);
        }
    }

    [NodeFact]
    public async Task Messages_sent_while_disconnected_are_delivered_in_order_after_reconnect()
    {
        await using var h = new ChannelHarness();
        h.Fake.SetFlag("offline", true);
        var channel = h.Channel();
        await channel.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => h.Fake.Connects().Count >= 2, "reconnect attempts while offline");
        Assert.False(channel.IsConnected);

        string[] texts = ["Andy: one", "Andy: two", "Andy: three"];
        foreach (var text in texts) await channel.SendAsync(Registered, text, CancellationToken.None);
        await channel.SendAsync(Person, "Andy: to a person", CancellationToken.None);
        Assert.Empty(h.Fake.Sent());
        Assert.Equal(4, h.Store.Pending().Count);

        h.Fake.SetFlag("offline", false);
        await ChannelHarness.Eventually(() => h.Fake.Sent().Count == 4, "all four delivered");
        var sent = h.Fake.Sent();
        Assert.Equal(texts, sent.Where(s => s.Jid == Registered).Select(s => s.Text));
        Assert.Equal("Andy: to a person", sent.Single(s => s.Jid == Person).Text);
        await ChannelHarness.Eventually(() => h.Store.Pending().Count == 0, "outbox emptied");
        Assert.True(channel.IsConnected);
    }

    [NodeFact]
    public async Task A_failed_send_stays_queued_holds_back_its_chat_and_is_delivered_once_when_sends_work_again()
    {
        await using var h = new ChannelHarness();
        var channel = h.Channel();
        await channel.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => channel.IsConnected, "connection open");
        h.Fake.SetFlag("fail-sends", true);
        await channel.SendAsync(Registered, "first", CancellationToken.None);
        await channel.SendAsync(Registered, "second", CancellationToken.None);
        await ChannelHarness.Eventually(() => h.Fake.Attempts().Count(a => a.Text == "first") >= 2, "first retried");
        // The chat's later message never overtakes the failed one.
        Assert.DoesNotContain(h.Fake.Attempts(), a => a.Text == "second");
        Assert.Equal(2, h.Store.Pending().Count);

        h.Fake.SetFlag("fail-sends", false);
        await ChannelHarness.Eventually(() => h.Fake.Sent().Count == 2, "both delivered");
        Assert.Equal(["first", "second"], h.Fake.Sent().Select(s => s.Text));
        await ChannelHarness.Eventually(() => h.Store.Pending().Count == 0, "outbox emptied");
    }

    [NodeFact]
    public async Task Messages_in_the_outbox_survive_a_daemon_restart_and_are_delivered_once()
    {
        await using var h = new ChannelHarness();
        h.Fake.SetFlag("offline", true);
        var first = h.Channel();
        await first.ConnectAsync(CancellationToken.None);
        await first.SendAsync(Registered, "Andy: before the restart 1", CancellationToken.None);
        await first.SendAsync(Registered, "Andy: before the restart 2", CancellationToken.None);
        await first.DisposeAsync(); // the daemon stops with the messages undelivered
        Assert.Empty(h.Fake.Sent());

        h.ReopenStore();
        h.Fake.SetFlag("offline", false);
        var second = h.Channel();
        await second.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => h.Fake.Sent().Count == 2, "delivered after restart");
        await ChannelHarness.Eventually(() => h.Store.Pending().Count == 0, "outbox emptied");
        await second.DisposeAsync();

        // A third run finds nothing to resend.
        h.ReopenStore();
        var third = h.Channel();
        await third.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => third.IsConnected, "third run connected");
        await third.SendAsync(Registered, "Andy: after", CancellationToken.None);
        await ChannelHarness.Eventually(() => h.Fake.Sent().Count == 3, "new message delivered");
        Assert.Equal(["Andy: before the restart 1", "Andy: before the restart 2", "Andy: after"], h.Fake.Sent().Select(s => s.Text));
    }

    [NodeFact]
    public async Task A_message_in_flight_when_the_sidecar_dies_is_delivered_after_the_restart()
    {
        await using var h = new ChannelHarness();
        var channel = h.Channel();
        await channel.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => channel.IsConnected, "connection open");
        h.Fake.SetFlag("crash-on-send", true);
        await channel.SendAsync(Registered, "Andy: survives a crash", CancellationToken.None);
        await channel.SendAsync(Registered, "Andy: and keeps its place", CancellationToken.None);

        await ChannelHarness.Eventually(() => h.Fake.Sent().Count == 2, "both delivered by the restarted sidecar");
        Assert.Equal(2, h.Fake.Starts().Count);
        Assert.Equal(["Andy: survives a crash", "Andy: and keeps its place"], h.Fake.Sent().Select(s => s.Text));
        await ChannelHarness.Eventually(() => h.Store.Pending().Count == 0, "outbox emptied");
    }

    [NodeFact]
    public async Task A_crashed_sidecar_is_restarted_and_reconnects_never_double_a_subscription()
    {
        await using var h = new ChannelHarness();
        h.Store.Register(Registered, "family");
        var channel = h.Channel();
        using var ingest = h.Ingest();
        ingest.Attach(channel);
        var channelEvents = new List<ChatMessage>();
        var storedEvents = new List<ChatMessage>();
        var chatEvents = new List<Chat>();
        using var a = channel.Messages.Subscribe(m => { lock (channelEvents) channelEvents.Add(m); });
        using var b = ingest.Stored.Subscribe(m => { lock (storedEvents) storedEvents.Add(m); });
        using var c = channel.ChatMetadata.Subscribe(m => { lock (chatEvents) chatEvents.Add(m); });

        await channel.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => channel.IsConnected, "first connection");
        var firstPid = channel.SidecarProcessId;

        for (var crash = 0; crash < 2; crash++)
        {
            var before = h.Fake.Starts().Count;
            h.Fake.Crash();
            await ChannelHarness.Eventually(() => h.Fake.Starts().Count == before + 1 && channel.IsConnected, "restarted and reconnected");
        }
        for (var drop = 0; drop < 2; drop++)
        {
            var before = h.Fake.Connects().Count;
            h.Fake.Close();
            await ChannelHarness.Eventually(() => h.Fake.Connects().Count == before + 1 && channel.IsConnected, "reconnected");
        }
        Assert.Equal(3, h.Fake.Starts().Count);
        Assert.Equal(3, channel.SidecarStarts);
        Assert.NotEqual(firstPid, channel.SidecarProcessId);

        h.Fake.EmitMessage(Registered, "ONCE", "@Andy are you there?");
        h.Fake.EmitChat(Person, "marker"); // events are handled in order: once this arrives, the message was handled
        await ChannelHarness.Eventually(() => { lock (chatEvents) return chatEvents.Any(x => x.Name == "marker"); }, "marker event");

        Assert.Single(h.Store.Messages());
        lock (channelEvents) Assert.Single(channelEvents);
        lock (storedEvents) Assert.Single(storedEvents);
    }

    [NodeFact]
    public async Task A_redelivered_message_is_stored_once_and_announced_once()
    {
        await using var h = new ChannelHarness();
        h.Store.Register(Registered, "family");
        var channel = h.Channel();
        using var ingest = h.Ingest();
        ingest.Attach(channel);
        var stored = new List<ChatMessage>();
        using var s = ingest.Stored.Subscribe(m => { lock (stored) stored.Add(m); });
        await channel.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => channel.IsConnected, "connection open");

        // WhatsApp replays recent history after a reconnect: the same message id arrives again.
        h.Fake.EmitMessage(Registered, "DUP", "@Andy once");
        h.Fake.Close();
        h.Fake.EmitMessage(Registered, "DUP", "@Andy once");
        h.Fake.EmitMessage(Registered, "NEXT", "and then this");
        await ChannelHarness.Eventually(() => { lock (stored) return stored.Any(m => m.Id == "NEXT"); }, "the following message");

        Assert.Equal(["DUP", "NEXT"], h.Store.Messages().Select(m => m.Id));
        lock (stored) Assert.Equal(["DUP", "NEXT"], stored.Select(m => m.Id));
    }

    [NodeFact]
    public async Task A_logout_stops_the_channel_with_a_clear_message_and_its_own_exit_code()
    {
        await using var h = new ChannelHarness();
        var channel = h.Channel();
        await channel.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => channel.IsConnected, "connection open");
        h.Fake.Close("loggedOut", loggedOut: true);

        var end = await channel.Terminated.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(WhatsAppStopKind.LoggedOut, end.Kind);
        Assert.Equal(WhatsAppExitCodes.LoggedOut, end.ExitCode);
        Assert.Contains("nanoclaw auth whatsapp", end.Message);
        await ChannelHarness.Eventually(() => channel.SidecarProcessId is null, "sidecar stopped");
        Assert.Single(h.Fake.Starts()); // no restart after a logout
        await Assert.ThrowsAsync<WhatsAppUnavailableException>(() => channel.ConnectAsync(CancellationToken.None));
    }

    [NodeFact]
    public async Task An_unlinked_device_stops_at_once_without_waiting_for_a_QR()
    {
        await using var h = new ChannelHarness();
        h.Fake.SetFlag("not-linked", true);
        var channel = h.Channel();
        await channel.ConnectAsync(CancellationToken.None);
        var end = await channel.Terminated.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(WhatsAppStopKind.NotLinked, end.Kind);
        Assert.Equal(WhatsAppExitCodes.NotLinked, end.ExitCode);
        Assert.NotEqual(WhatsAppExitCodes.LoggedOut, end.ExitCode);
        Assert.Contains("nanoclaw auth whatsapp", end.Message);
    }

    [NodeFact]
    public async Task Group_names_sync_on_connect_at_most_once_a_day_unless_forced()
    {
        await using var h = new ChannelHarness();
        h.Fake.SetGroups((Registered, "Family"), (Unregistered, "Book club"));
        var first = h.Channel();
        using (var ingest = h.Ingest())
        {
            ingest.Attach(first);
            await first.ConnectAsync(CancellationToken.None);
            await ChannelHarness.Eventually(() => h.Store.Chats().Any(c => c.Name == "Book club"), "group names stored");
            await ChannelHarness.Eventually(() => h.Store.LastSync().IsSome, "sync time recorded");
            await first.DisposeAsync();
        }
        Assert.Single(h.Fake.Syncs());
        Assert.Equal("Family", h.Store.Chats().Single(c => c.Jid == Registered).Name);

        var second = h.Channel();
        await second.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => second.IsConnected, "second run connected");
        await second.SyncGroupsAsync(CancellationToken.None); // forced
        await ChannelHarness.Eventually(() => h.Fake.Syncs().Count == 2, "forced sync");
        // The connect of the second run itself did not sync: the cache was fresh.
        Assert.Equal(2, h.Fake.Syncs().Count);
    }

    [NodeFact]
    public async Task Typing_reaches_the_sidecar_only_while_connected()
    {
        await using var h = new ChannelHarness();
        var channel = h.Channel();
        await channel.SetTypingAsync(Registered, true, CancellationToken.None); // not started: ignored
        await channel.ConnectAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => channel.IsConnected, "connection open");
        await channel.SetTypingAsync(Registered, true, CancellationToken.None);
        await channel.SetTypingAsync(Registered, false, CancellationToken.None);
        await ChannelHarness.Eventually(() => h.Fake.Typing().Count == 2, "two typing updates");
        Assert.Contains("\"on\":true", h.Fake.Typing()[0]);
        Assert.Contains("\"on\":false", h.Fake.Typing()[1]);
    }

    [Fact]
    public async Task Missing_sidecar_packages_name_the_install_command()
    {
        await using var h = new ChannelHarness();
        var dir = Path.Combine(h.Root, "sidecar");
        Directory.CreateDirectory(Path.Combine(dir, "src"));
        File.WriteAllText(Path.Combine(dir, "package.json"), "{\"dependencies\":{\"@whiskeysockets/baileys\":\"6.17.16\"}}");
        File.WriteAllText(Path.Combine(dir, "src", "main.mjs"), "");
        var channel = new WhatsAppChannel(
            new NanoClaw.Shell.WhatsApp.Sidecar.SidecarOptions("node", dir, Path.Combine("src", "main.mjs"), Path.Combine(h.Root, "auth")),
            new NanoClaw.Core.Config.AssistantOptions("Andy", false), h.Store.Outbox, h.Store.GroupSync, TimeProvider.System, ChannelHarness.Log);
        var error = await Assert.ThrowsAsync<WhatsAppUnavailableException>(() => channel.ConnectAsync(CancellationToken.None));
        Assert.Contains("bash scripts/install-sidecar.sh", error.Message);
        Assert.Equal(WhatsAppExitCodes.SidecarUnavailable, error.Termination.ExitCode);
        await channel.DisposeAsync();
    }

    [Fact]
    public async Task Sending_to_a_chat_of_another_channel_is_refused_and_nothing_is_queued()
    {
        await using var h = new ChannelHarness();
        var channel = h.Channel();
        await Assert.ThrowsAsync<ArgumentException>(() => channel.SendAsync("local:main", "hi", CancellationToken.None));
        Assert.Empty(h.Store.Pending());
    }
}
