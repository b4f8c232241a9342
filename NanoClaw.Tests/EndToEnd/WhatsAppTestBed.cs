using NanoClaw.Core.Domain;
using NanoClaw.Tests.Agent;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;
using NanoClaw.Tests.WhatsApp;

namespace NanoClaw.Tests.EndToEnd;

/// <summary>
/// What every WhatsApp end-to-end class sets up: the fake Anthropic API, an installation with WhatsApp on and one
/// registered group, the fake sidecar, and the daemons started against them. Disposing stops every daemon and removes
/// every container they started (and any extra one a test names), even when the test failed.
/// </summary>
public sealed class WhatsAppTestBed : IAsyncDisposable
{
    public const string Family = "120363000000000042@g.us";
    public static readonly TimeSpan Turn = TimeSpan.FromSeconds(180);

    private readonly List<DaemonProcess> daemons = [];
    private readonly List<string> extraContainers = [];

    private WhatsAppTestBed(FakeAnthropicApi api, Installation installation)
    {
        Api = api;
        Installation = installation;
    }

    public FakeAnthropicApi Api { get; }
    public Installation Installation { get; }
    public FakeSidecar Sidecar { get; private set; } = null!;
    public IReadOnlyList<DaemonProcess> Daemons => daemons;

    /// <summary>Checks the image and node, starts the fake API and makes the installation with <see cref="Family"/> registered as <c>family</c>.</summary>
    /// <param name="credentials">Extra credentials.yml lines (a transcription key, a Telegram token).</param>
    public static async Task<WhatsAppTestBed> StartAsync(string? credentials = null)
    {
        Assert.True(new AgentImageFixture().Problem is null, new AgentImageFixture().Problem);
        Assert.True(Requirements.HasNode, "node is needed for the fake WhatsApp sidecar");
        var api = await FakeAnthropicApi.StartAsync();
        var installation = new Installation(api, whatsApp: true);
        if (credentials is not null) File.AppendAllText(Path.Combine(installation.Root, "credentials.yml"), credentials);
        installation.Register(Family, "family");
        return new WhatsAppTestBed(api, installation) { Sidecar = new FakeSidecar(installation.Root) };
    }

    /// <summary>Starts a daemon with the fake sidecar and waits until it connected it (and, with <paramref name="media"/>, configured its media).</summary>
    public async Task<DaemonProcess> StartDaemonAsync(IReadOnlyDictionary<string, string>? env = null, bool media = false)
    {
        var connectsBefore = Sidecar.Connects().Count;
        var all = new Dictionary<string, string>
        {
            ["NANOCLAW_SIDECAR_DIR"] = FakeSidecar.FixtureDir,
            ["NANOCLAW_SIDECAR_SCRIPT"] = "main.mjs",
            ["NANOCLAW_SIDECAR_FAKE_DIR"] = Sidecar.Dir,
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) all[k] = v;
        var daemon = await DaemonProcess.StartAsync(Installation.Root, all, skipSetupCheck: true);
        daemons.Add(daemon);
        await Eventually.TrueAsync(() => Sidecar.Connects().Count > connectsBefore && (!media || Sidecar.MediaCommands().Count > 0), TimeSpan.FromSeconds(30),
            () => "the daemon did not connect the sidecar:\n" + daemon.Tail());
        return daemon;
    }

    /// <summary>A plain text message from Alice in <paramref name="jid"/>, as the sidecar reports it.</summary>
    public void Say(string id, string text, string jid = Family, string chatName = "Family")
    {
        var now = IsoTimestamp.From(DateTimeOffset.UtcNow);
        Sidecar.EmitChat(jid, chatName, now);
        Sidecar.EmitMessage(jid, id, text, timestamp: now);
    }

    public IReadOnlyList<string> SentTo(string jid) => Sidecar.Sent().Where(s => s.Jid == jid).Select(s => s.Text).ToList();

    /// <summary>Waits for the first text the sidecar was asked to send that contains <paramref name="text"/>.</summary>
    public Task<SentRecord> WaitForSentAsync(string text) =>
        Eventually.ValueAsync(() => Sidecar.Sent().FirstOrDefault(s => s.Text.Contains(text, StringComparison.Ordinal)), Turn,
            () => "nothing sent containing " + text + "; daemon log:\n" + (daemons.Count > 0 ? daemons[^1].Tail() : "(no daemon)"));

    /// <summary>A container the test started itself, removed on dispose too.</summary>
    public void AddContainer(string name) => extraContainers.Add(name);

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in daemons) await daemon.DisposeAsync();
        Installation.RemoveContainers(daemons.SelectMany(d => d.StartedContainers).Select(c => c.Name).Concat(extraContainers));
        await Api.DisposeAsync();
        Installation.Dispose();
    }
}
