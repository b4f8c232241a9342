using Microsoft.Extensions.Time.Testing;
using NanoClaw.Core.Config;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Telegram;
using NanoClaw.Tests.Shell.Store;
using NanoClaw.Tests.Support.FakeTelegram;
using NanoClaw.Tests.WhatsApp;

using static NanoClaw.Tests.Telegram.TelegramTestBed;

namespace NanoClaw.Tests.Telegram;

/// <summary>The Polly retry of the poll loop waits through the channel's TimeProvider: a FakeTimeProvider drives it.</summary>
[Trait("Category", "Telegram")]
public sealed class TelegramRetryTests : IDisposable
{
    private readonly TempStoreDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task After_an_error_polling_resumes_when_the_fake_clock_passes_the_back_off()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        fake.Fail("getUpdates", 1, 502, "Bad Gateway");
        // Back-off in minutes: in real time the retry would not come within the test's wait; only the fake clock moves it.
        await using var channel = new TelegramChannel(new TelegramOptions(true, fake.BaseUrl, 2), fake.Token, store.Outbox,
            new StoreTelegramOffset(store.Db), clock, Serilog.Core.Logger.None)
        {
            FirstBackoff = TimeSpan.FromMinutes(10),
            MaxBackoff = TimeSpan.FromMinutes(30),
        };
        var seen = new List<ChatMessage>();
        channel.Messages.Subscribe(m => { lock (seen) seen.Add(m); });
        await channel.ConnectAsync(CancellationToken.None);
        await fake.Requests.WaitForAsync(r => r.Method.Equals("getUpdates", StringComparison.OrdinalIgnoreCase) && r.Status == 502, Wait);
        var id = fake.QueueText(-1001, "after the outage");

        // Advance until the retry's timer (created at some point after the 502) has fired and the message arrived.
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            lock (seen)
                if (seen.Any(m => m.Id == id.ToString())) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("polling did not resume");
            clock.Advance(TimeSpan.FromMinutes(31));
            await Task.Delay(20);
        }
        Assert.Equal(1, fake.Requests.Snapshot().Count(r => r.Status == 502));
    }
}
