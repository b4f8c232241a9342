using NanoClaw.Core.Config;
using NanoClaw.Shell.Ingest;
using NanoClaw.Shell.WhatsApp;
using Serilog;

namespace NanoClaw.Tests.WhatsApp;

/// <summary>A temp directory with a real SQLite store and the fake sidecar; builds channels on them.</summary>
public sealed class ChannelHarness : IAsyncDisposable
{
    public static readonly WhatsAppTiming FastTiming = new(
        BackoffMin: TimeSpan.FromMilliseconds(50),
        BackoffMax: TimeSpan.FromMilliseconds(400),
        SendTimeout: TimeSpan.FromSeconds(20),
        RetryDelay: TimeSpan.FromMilliseconds(100),
        GroupSyncInterval: TimeSpan.FromHours(24),
        StopGrace: TimeSpan.FromSeconds(5));

    private readonly List<IAsyncDisposable> owned = [];

    public ChannelHarness()
    {
        Root = Path.Combine(Path.GetTempPath(), "nanoclaw-wa-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        StoreDir = Path.Combine(Root, "store");
        Store = new TestStore(StoreDir);
        Fake = new FakeSidecar(Root);
    }

    public string Root { get; }
    public string StoreDir { get; }
    public TestStore Store { get; private set; }
    public FakeSidecar Fake { get; }

    public static readonly ILogger Log = new LoggerConfiguration().MinimumLevel.Warning().CreateLogger();

    /// <summary>A new store instance on the same file, as a restarted daemon would open it.</summary>
    public TestStore ReopenStore() => Store = new TestStore(StoreDir);

    public WhatsAppChannel Channel(bool hasOwnNumber = false, WhatsAppMedia? media = null, NanoClaw.Shell.Media.VoiceTranscriber? transcriber = null)
    {
        var channel = new WhatsAppChannel(
            Fake.Options(Path.Combine(Root, "auth")),
            new AssistantOptions("Andy", hasOwnNumber),
            Store.Outbox,
            Store.GroupSync,
            TimeProvider.System,
            Log,
            FastTiming)
        {
            Media = media,
            Transcriber = transcriber,
        };
        owned.Add(channel);
        return channel;
    }

    public InboundIngest Ingest(NanoClaw.Core.Security.SenderAllowlist? allowlist = null) => new(Store.Ingest, Log, allowlist);

    /// <summary>Waits for a condition the system reaches asynchronously; fails with <paramref name="what"/> after a generous limit.</summary>
    public static async Task Eventually(Func<bool> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for: " + what);
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var item in owned) await item.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A straggling process may still hold a file; temp is cleaned eventually.
        }
    }
}
