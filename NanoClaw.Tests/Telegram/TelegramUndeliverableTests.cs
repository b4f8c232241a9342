using NanoClaw.Core.Channels;
using NanoClaw.Core.Config;
using NanoClaw.Core.Media;
using NanoClaw.Shell.Telegram;
using NanoClaw.Tests.Shell.Store;
using NanoClaw.Tests.Support.FakeTelegram;
using NanoClaw.Tests.WhatsApp;
using static LanguageExt.Prelude;

using static NanoClaw.Tests.Telegram.TelegramTestBed;

namespace NanoClaw.Tests.Telegram;

/// <summary>
/// A chat Telegram will never deliver to (403 blocked/kicked, 400 chat not found) moves its rows aside, kept with the
/// reason, without holding back the chat's later rows or other chats; transient errors still retry; MP4 goes out as sendVideo.
/// </summary>
[Trait("Category", "Telegram")]
public sealed class TelegramUndeliverableTests : IDisposable
{
    private const long Blocked = 4242;
    private const long Other = -100555;
    private readonly TempStoreDir dir = new();

    public void Dispose() => dir.Dispose();

    private static TelegramChannel Channel(FakeTelegramBotApi fake, TestStore store) =>
        TelegramTestBed.Channel(fake, store, progress: new StoreTelegramSendProgress(store.Db));


    [Fact]
    public async Task A_403_moves_the_row_aside_with_its_reason_other_chats_are_delivered_and_the_chat_works_again_once_unblocked()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        fake.Block(Blocked);
        await using var channel = Channel(fake, store);
        await channel.ConnectAsync(CancellationToken.None);

        await channel.SendAsync(TelegramMapping.Jid(Blocked), "first to the blocked chat", CancellationToken.None);
        await channel.SendAsync(TelegramMapping.Jid(Blocked), "second to the blocked chat", CancellationToken.None);
        await channel.SendAsync(TelegramMapping.Jid(Other), "to the group", CancellationToken.None);

        var delivered = await fake.Messages.WaitForAsync(m => m.ChatId == Other, Wait);
        Assert.Equal("to the group", delivered.Text);
        await WaitUntil(() => store.Pending().Count == 0);
        // Each blocked row was tried exactly once: a 403 is not retried.
        var refused = fake.Requests.Snapshot().Where(r => r.Method.Equals("sendMessage", StringComparison.OrdinalIgnoreCase) && r.Status == 403).ToList();
        Assert.Equal(2, refused.Count);
        Assert.DoesNotContain(fake.Messages.Snapshot(), m => m.ChatId == Blocked);
        // Nothing is lost: both rows are kept, moved aside with Telegram's reason.
        var aside = store.Db.Outbox.GivenUp().ToList();
        Assert.Equal(["first to the blocked chat", "second to the blocked chat"], aside.Select(e => e.Text));
        Assert.All(aside, e => Assert.Equal(TelegramMapping.Jid(Blocked), e.ChatJid));
        Assert.All(aside, e => Assert.Contains("bot was blocked by the user", e.LastError.IfNone("")));

        // The user unblocks the bot: the chat's next message goes through.
        fake.Unblock(Blocked);
        await channel.SendAsync(TelegramMapping.Jid(Blocked), "after unblocking", CancellationToken.None);
        var after = await fake.Messages.WaitForAsync(m => m.ChatId == Blocked, Wait);
        Assert.Equal("after unblocking", after.Text);
        Assert.Equal(2, store.Db.Outbox.GivenUp().Count);
    }

    [Fact]
    public async Task A_400_chat_not_found_is_moved_aside_but_a_5xx_keeps_the_row_queued_until_it_is_delivered()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        fake.Block(Blocked, 400, "Bad Request: chat not found");
        fake.Fail("sendMessage", 3, 502, "Bad Gateway");
        await using var channel = Channel(fake, store);
        await channel.ConnectAsync(CancellationToken.None);

        await channel.SendAsync(TelegramMapping.Jid(Other), "survives the 502s", CancellationToken.None);
        var delivered = await fake.Messages.WaitForAsync(m => m.ChatId == Other, Wait);
        Assert.Equal("survives the 502s", delivered.Text);
        Assert.Empty(store.Db.Outbox.GivenUp());

        await channel.SendAsync(TelegramMapping.Jid(Blocked), "nobody there", CancellationToken.None);
        await WaitUntil(() => store.Db.Outbox.GivenUp().Count == 1);
        Assert.Contains("chat not found", store.Db.Outbox.GivenUp()[0].LastError.IfNone(""));
        Assert.Empty(store.Pending());
    }

    [Fact]
    public async Task A_file_row_whose_copy_is_gone_is_moved_aside_not_marked_sent()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        await using var channel = Channel(fake, store);
        await channel.ConnectAsync(CancellationToken.None);
        var missing = Path.Combine(dir.DataDir, "outbox-files", "9-gone.pdf");

        await channel.SendFileAsync(TelegramMapping.Jid(Other), new OutgoingFile(missing, "application/pdf", MediaKind.Document, "gone.pdf", Some("caption")), CancellationToken.None);
        await channel.SendAsync(TelegramMapping.Jid(Other), "next one", CancellationToken.None);

        await fake.Messages.WaitForAsync(m => m.Text == "next one", Wait);
        await WaitUntil(() => store.Db.Outbox.GivenUp().Count == 1);
        Assert.Contains("gone.pdf", store.Db.Outbox.GivenUp()[0].LastError.IfNone(""));
        Assert.Empty(fake.Files.Snapshot());
    }

    [Fact]
    public async Task An_mp4_goes_out_as_sendVideo_with_its_caption_and_a_3gp_as_a_document()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        await using var channel = Channel(fake, store);
        await channel.ConnectAsync(CancellationToken.None);
        var files = Path.Combine(dir.DataDir, "outbox-files");
        Directory.CreateDirectory(files);
        byte[] mp4 = [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 1, 2, 3];
        var video = Path.Combine(files, "1-clip.mp4");
        File.WriteAllBytes(video, mp4);
        var phone = Path.Combine(files, "2-clip.3gp");
        File.WriteAllBytes(phone, mp4);

        await channel.SendFileAsync(TelegramMapping.Jid(Other), new OutgoingFile(video, "video/mp4", MediaKind.Video, "clip.mp4", Some("**the** clip")), CancellationToken.None);
        await channel.SendFileAsync(TelegramMapping.Jid(Other), new OutgoingFile(phone, "video/3gpp", MediaKind.Video, "clip.3gp", None), CancellationToken.None);

        var sent = await fake.Files.WaitForAllAsync(l => l.Count >= 2, Wait);
        Assert.Equal(("sendVideo", Other, "clip.mp4"), (sent[0].Method, sent[0].ChatId, sent[0].FileName));
        Assert.Equal(mp4, sent[0].Bytes);
        Assert.Equal("<b>the</b> clip", sent[0].Caption);
        Assert.Equal(("sendDocument", "clip.3gp"), (sent[1].Method, sent[1].FileName));
        await WaitUntil(() => store.Pending().Count == 0);
        Assert.False(File.Exists(video));
    }
}

/// <summary>Which Telegram answers move a row aside: only those a retry cannot change.</summary>
[Trait("Category", "Telegram")]
public sealed class TelegramSendErrorsTests
{
    [Theory]
    [InlineData(403, "Forbidden: bot was blocked by the user", true)]
    [InlineData(403, "Forbidden: bot was kicked from the group chat", true)]
    [InlineData(400, "Bad Request: chat not found", true)]
    [InlineData(400, "Bad Request: not enough rights to send text messages to the chat", true)]
    [InlineData(429, "Too Many Requests: retry after 5", false)]
    [InlineData(500, "Internal Server Error", false)]
    [InlineData(502, "Bad Gateway", false)]
    [InlineData(401, "Unauthorized", false)]
    [InlineData(404, "Not Found", false)]
    public void Only_400_and_403_are_permanent(int code, string description, bool permanent) =>
        Assert.Equal(permanent, TelegramSendErrors.IsPermanent(new global::Telegram.Bot.Exceptions.ApiRequestException(description, code)));

    [Fact]
    public void Network_errors_and_a_400_with_retry_after_are_not_permanent()
    {
        Assert.False(TelegramSendErrors.IsPermanent(new HttpRequestException("connection refused")));
        Assert.False(TelegramSendErrors.IsPermanent(new global::Telegram.Bot.Exceptions.ApiRequestException("Bad Request: flood", 400,
            new global::Telegram.Bot.Types.ResponseParameters { RetryAfter = 3 })));
    }
}
