using NanoClaw.Core.Channels;
using NanoClaw.Core.Config;
using NanoClaw.Core.Formatting;
using NanoClaw.Core.Media;
using NanoClaw.Shell.Telegram;
using NanoClaw.Tests.Shell.Store;
using NanoClaw.Tests.Support.FakeTelegram;
using NanoClaw.Tests.WhatsApp;
using static LanguageExt.Prelude;

using static NanoClaw.Tests.Telegram.TelegramTestBed;

namespace NanoClaw.Tests.Telegram;

/// <summary>Telegram out: send_file rows as multipart, 429 on a file, and long replies sent part by part exactly once.</summary>
[Trait("Category", "Telegram")]
public sealed class TelegramSendTests : IDisposable
{
    private const long Group = -100777;
    private readonly TempStoreDir dir = new();

    public TelegramSendTests() => Directory.CreateDirectory(OutboxFiles);

    public void Dispose() => dir.Dispose();

    private string OutboxFiles => Path.Combine(dir.DataDir, "outbox-files");

    // Send progress in the store, as the daemon keeps it.
    private static TelegramChannel Channel(FakeTelegramBotApi fake, TestStore store, ITelegramSendProgress? progress = null) =>
        TelegramTestBed.Channel(fake, store, progress: progress ?? new StoreTelegramSendProgress(store.Db));

    private string HostCopy(string name, byte[] bytes)
    {
        var path = Path.Combine(OutboxFiles, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }


    [Fact]
    public async Task Send_file_delivers_a_photo_and_a_document_with_captions_as_multipart_and_deletes_the_copies()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        await using var channel = Channel(fake, store);
        await channel.ConnectAsync(CancellationToken.None);
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5];
        byte[] pdf = [.. "%PDF-1.7\nhello"u8.ToArray()];
        var photoPath = HostCopy("1-chart.png", png);
        var docPath = HostCopy("2-report.pdf", pdf);

        IFileChannel files = channel;
        await files.SendFileAsync(TelegramMapping.Jid(Group), new OutgoingFile(photoPath, "image/png", MediaKind.Image, "chart.png", Some("**Andy:** the chart")), CancellationToken.None);
        await files.SendFileAsync(TelegramMapping.Jid(Group), new OutgoingFile(docPath, "application/pdf", MediaKind.Document, "report.pdf", Some("Andy: a & b")), CancellationToken.None);

        var sent = await fake.Files.WaitForAllAsync(l => l.Count >= 2, Wait);
        Assert.Equal(2, sent.Count);
        Assert.Equal(("sendPhoto", Group, "chart.png"), (sent[0].Method, sent[0].ChatId, sent[0].FileName));
        Assert.Equal(png, sent[0].Bytes);
        Assert.Equal("<b>Andy:</b> the chart", sent[0].Caption);
        Assert.Equal("HTML", sent[0].ParseMode, ignoreCase: true);
        Assert.Equal(("sendDocument", Group, "report.pdf"), (sent[1].Method, sent[1].ChatId, sent[1].FileName));
        Assert.Equal(pdf, sent[1].Bytes);
        Assert.Equal("Andy: a &amp; b", sent[1].Caption);
        await WaitUntil(() => store.Pending().Count == 0);
        Assert.False(File.Exists(photoPath));
        Assert.False(File.Exists(docPath));
    }

    [Fact]
    public async Task A_429_on_sendPhoto_is_retried_after_retry_after_and_the_photo_goes_out_once()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        fake.TooManyRequests("sendPhoto", 1);
        await using var channel = Channel(fake, store);
        await channel.ConnectAsync(CancellationToken.None);
        var path = HostCopy("3-pic.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 9, 9, 9]);
        await channel.SendFileAsync(TelegramMapping.Jid(Group), new OutgoingFile(path, "image/jpeg", MediaKind.Image, "pic.jpg", None), CancellationToken.None);

        var photo = await fake.Files.WaitForAsync(f => f.Method == "sendPhoto", Wait);
        Assert.Null(photo.Caption);
        // The file is logged when its body arrives, the request when it is answered: wait for the answer.
        await fake.Requests.WaitForAsync(r => r.Method.Equals("sendPhoto", StringComparison.OrdinalIgnoreCase) && r.Status == 200, Wait);
        var attempts = fake.Requests.Snapshot().Where(r => r.Method.Equals("sendPhoto", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal([429, 200], attempts.Select(a => a.Status));
        // By the fake's clock: the retry came no sooner than retry_after (1 s) after the 429.
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(1), $"retried after {attempts[1].At - attempts[0].At}");
        await WaitUntil(() => store.Pending().Count == 0);
        Assert.Single(fake.Files.Snapshot());
    }

    [Fact]
    public async Task A_failure_at_part_three_of_a_three_part_reply_resends_only_part_three_even_across_a_restart()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        var paragraphs = Enumerable.Range(1, 3).Select(i => $"Part {i}: " + string.Join(" ", Enumerable.Repeat($"word{i}", 500))).ToList();
        var reply = string.Join("\n\n", paragraphs);
        var expected = TelegramFormatting.ToMessages(reply);
        Assert.Equal(3, expected.Count);
        // Parts 1 and 2 pass, then part 3 keeps failing until the channel is stopped.
        fake.FailAfter("sendMessage", passing: 2, count: 1000);

        await using (var first = Channel(fake, store))
        {
            await first.ConnectAsync(CancellationToken.None);
            await first.SendAsync(TelegramMapping.Jid(Group), reply, CancellationToken.None);
            await fake.Requests.WaitForAllAsync(l => l.Count(r => r.Method.Equals("sendMessage", StringComparison.OrdinalIgnoreCase) && r.Status == 502) >= 2, Wait);
        }
        Assert.Equal(2, fake.Messages.Snapshot().Count);
        Assert.Single(store.Pending());

        // A restart on the same store, the server healthy again: only part 3 goes out.
        var restarted = new TestStore(dir.StoreDir);
        await using var second = Channel(fake, restarted);
        fake.ClearFailures("sendMessage");
        await second.ConnectAsync(CancellationToken.None);
        await WaitUntil(() => restarted.Pending().Count == 0);
        var sent = fake.Messages.Snapshot();
        Assert.Equal(expected, sent.Select(m => m.Text));
        Assert.Equal(3, sent.Select(m => m.Text).Distinct().Count());
        // The row left the outbox, and its progress with it.
        Assert.Equal("{}", restarted.Db.RouterState.Get(StoreTelegramSendProgress.Key).IfNone("{}"));
    }

    [Fact]
    public async Task A_caption_longer_than_telegram_allows_follows_the_file_as_text()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        await using var channel = Channel(fake, store);
        await channel.ConnectAsync(CancellationToken.None);
        var caption = "Andy: " + string.Join(" ", Enumerable.Repeat("long", 400));
        var path = HostCopy("4-notes.txt", "plain notes\n"u8.ToArray());
        await channel.SendFileAsync(TelegramMapping.Jid(Group), new OutgoingFile(path, "text/plain", MediaKind.Document, "notes.txt", Some(caption)), CancellationToken.None);

        var file = await fake.Files.WaitForAsync(f => f.FileName == "notes.txt", Wait);
        Assert.Equal("sendDocument", file.Method);
        Assert.Null(file.Caption);
        var text = await fake.Messages.WaitForAsync(m => m.ChatId == Group, Wait);
        Assert.Equal(caption, text.VisibleText);
        await WaitUntil(() => store.Pending().Count == 0);
        Assert.Single(fake.Files.Snapshot());
        Assert.Single(fake.Messages.Snapshot());
    }
}
