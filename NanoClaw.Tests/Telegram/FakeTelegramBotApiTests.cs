using NanoClaw.Tests.Support.FakeTelegram;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace NanoClaw.Tests.Telegram;

/// <summary>The fake Bot API answers the real Telegram.Bot client as Telegram does.</summary>
[Trait("Category", "Telegram")]
public sealed class FakeTelegramBotApiTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static TelegramBotClient Client(FakeTelegramBotApi fake, string? token = null) =>
        new(new TelegramBotClientOptions(token ?? fake.Token, fake.BaseUrl) { RetryCount = 0 });

    [Fact]
    public async Task GetMe_names_the_bot_and_a_wrong_token_gets_401()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var me = await Client(fake).GetMe();
        Assert.Equal(fake.BotUsername, me.Username);
        Assert.True(me.IsBot);

        var wrong = await Assert.ThrowsAsync<ApiRequestException>(() => Client(fake, FakeTelegramBotApi.BotId + ":wrong").GetMe());
        Assert.Equal(401, wrong.ErrorCode);
    }

    [Fact]
    public async Task GetUpdates_holds_a_long_poll_until_an_update_arrives_and_the_offset_confirms()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var bot = Client(fake);
        var poll = bot.GetUpdates(offset: null, timeout: 30);
        await fake.HeldPolls.WaitForAsync(_ => true, Wait);
        Assert.False(poll.IsCompleted);
        fake.Queue(new IncomingMessage(-100123) { Text = "hi @Nano_Test_Bot", ChatTitle = "Family" });
        var got = await poll.WaitAsync(Wait);
        var message = Assert.Single(got).Message!;
        Assert.Equal(-100123, message.Chat.Id);
        Assert.Equal(ChatType.Supergroup, message.Chat.Type);
        Assert.Equal("Family", message.Chat.Title);
        var mention = Assert.Single(message.Entities!);
        Assert.Equal(MessageEntityType.Mention, mention.Type);
        Assert.Equal("@Nano_Test_Bot", message.Text!.Substring(mention.Offset, mention.Length));

        var after = await bot.GetUpdates(offset: got[0].Id + 1, timeout: 0);
        Assert.Empty(after);
        Assert.Equal(got[0].Id + 1, fake.ConfirmedOffset);
        Assert.Equal(0, fake.PendingUpdates);
    }

    [Fact]
    public async Task Injected_429_carries_retry_after_and_malformed_html_is_refused()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var bot = Client(fake);
        fake.TooManyRequests("sendMessage", 7);
        var limited = await Assert.ThrowsAsync<ApiRequestException>(() => bot.SendMessage(42, "hello"));
        Assert.Equal(429, limited.ErrorCode);
        Assert.Equal(7, limited.Parameters?.RetryAfter);

        var bad = await Assert.ThrowsAsync<ApiRequestException>(() => bot.SendMessage(42, "<b>open", ParseMode.Html));
        Assert.Equal(400, bad.ErrorCode);
        Assert.Contains("can't parse entities", bad.Message, StringComparison.Ordinal);

        var sent = await bot.SendMessage(42, "<b>bold</b> &amp; co", ParseMode.Html, replyParameters: new ReplyParameters { MessageId = 5 });
        var seen = await fake.Messages.WaitForAsync(m => m.MessageId == sent.MessageId, Wait);
        Assert.Equal("bold & co", seen.VisibleText);
        Assert.Equal(5, seen.ReplyToMessageId);
        Assert.Equal(["sendMessage", "sendMessage", "sendMessage"], fake.Requests.Snapshot().Select(r => r.Method));
        Assert.Equal([429, 400, 200], fake.Requests.Snapshot().Select(r => r.Status));
    }

    [Fact]
    public async Task Files_go_both_ways_and_chat_actions_are_seen()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var bot = Client(fake);
        var bytes = Enumerable.Range(0, 4000).Select(i => (byte)i).ToArray();
        fake.Queue(new IncomingMessage(55) { Photo = new FakeFile(bytes, "p.jpg", "image/jpeg"), Caption = "look" });
        var update = Assert.Single(await bot.GetUpdates(timeout: 5));
        var largest = update.Message!.Photo!.MaxBy(p => p.Width)!;
        var file = await bot.GetFile(largest.FileId);
        Assert.Equal(bytes.Length, file.FileSize);
        using var downloaded = new MemoryStream();
        await bot.DownloadFile(file.FilePath!, downloaded);
        Assert.Equal(bytes, downloaded.ToArray());

        await using (var upload = new MemoryStream([1, 2, 3]))
            await bot.SendDocument(55, InputFile.FromStream(upload, "notes.txt"), caption: "<i>here</i>", parseMode: ParseMode.Html);
        var sentFile = await fake.Files.WaitForAsync(f => f.Method == "sendDocument", Wait);
        Assert.Equal("notes.txt", sentFile.FileName);
        Assert.Equal(new byte[] { 1, 2, 3 }, sentFile.Bytes);
        Assert.Equal("<i>here</i>", sentFile.Caption);

        await bot.SendChatAction(55, ChatAction.Typing);
        Assert.Equal("typing", (await fake.ChatActions.WaitForAsync(a => a.ChatId == 55, Wait)).Action);
    }
}
