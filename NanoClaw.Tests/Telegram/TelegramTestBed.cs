using NanoClaw.Core.Config;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Media;
using NanoClaw.Shell.Telegram;
using NanoClaw.Tests.EndToEnd;
using NanoClaw.Tests.Shell.Store;
using NanoClaw.Tests.Support.FakeTelegram;
using NanoClaw.Tests.WhatsApp;

namespace NanoClaw.Tests.Telegram;

/// <summary>
/// What the Telegram channel tests share: a channel against the fake Bot API and a real store (short back-off), the
/// daemon's wiring of its streams into the store, and bounded waits on state the channel writes.
/// </summary>
internal static class TelegramTestBed
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>A channel as the daemon builds it, with a 50 ms first back-off; send progress kept in memory unless given.</summary>
    public static TelegramChannel Channel(FakeTelegramBotApi fake, TestStore store, Serilog.ILogger? log = null, string? token = null,
        ITelegramSendProgress? progress = null, InboundMediaStore? media = null) =>
        new(new TelegramOptions(true, fake.BaseUrl, 2), token ?? fake.Token, store.Outbox, new StoreTelegramOffset(store.Db), TimeProvider.System,
            log ?? Serilog.Core.Logger.None)
        {
            FirstBackoff = TimeSpan.FromMilliseconds(50),
            SendProgress = progress ?? new MemorySendProgress(),
            Media = media,
        };

    /// <summary>As the daemon does: chat metadata and the message stored synchronously in the subscriber. Returns what arrived.</summary>
    public static List<ChatMessage> Wire(TelegramChannel channel, TestStore store)
    {
        var seen = new List<ChatMessage>();
        channel.ChatMetadata.Subscribe(store.Ingest.UpsertChat);
        channel.Messages.Subscribe(m =>
        {
            store.Db.Messages.Store(m);
            lock (seen) seen.Add(m);
        });
        return seen;
    }

    /// <summary>The message with Telegram id <paramref name="id"/> once it has arrived.</summary>
    public static Task<ChatMessage> Arrival(List<ChatMessage> seen, long id) =>
        Eventually.ValueAsync(() => { lock (seen) return seen.FirstOrDefault(m => m.Id == id.ToString()); }, Wait, () => $"message {id} did not arrive");

    /// <summary>Condition polling on the store or outbox the channel writes (no event to await there); bounded, never a timing assertion.</summary>
    public static Task WaitUntil(Func<bool> condition) => Eventually.TrueAsync(condition, Wait, () => "condition not met");
}
