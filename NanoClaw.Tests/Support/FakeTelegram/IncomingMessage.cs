namespace NanoClaw.Tests.Support.FakeTelegram;

/// <summary>
/// A message a user sends to the bot, for <see cref="FakeTelegramBotApi.Queue"/>. Negative chat ids are groups
/// (<see cref="ChatType"/> <c>supergroup</c> unless set), positive ones private chats. A text naming the bot's
/// <c>@username</c> gets a <c>mention</c> entity as Telegram adds it.
/// </summary>
public sealed record IncomingMessage(long ChatId)
{
    public string? Text { get; init; }
    public string? Caption { get; init; }
    public TelegramUser From { get; init; } = TelegramUser.Alice;
    public string? ChatTitle { get; init; }
    /// <summary><c>private</c>, <c>group</c>, <c>supergroup</c> or <c>channel</c>; null: from the sign of the id.</summary>
    public string? ChatType { get; init; }
    /// <summary>Adds no mention entity even when the text names the bot (a plain-text "@name" Telegram did not link).</summary>
    public bool NoMentionEntity { get; init; }
    /// <summary>Replies to this message id (one the bot sent: the reply carries the bot as its author).</summary>
    public long? ReplyToMessageId { get; init; }
    public FakeFile? Photo { get; init; }
    public FakeFile? Document { get; init; }
    public FakeFile? Voice { get; init; }
    public FakeFile? Audio { get; init; }
    /// <summary>Unix seconds; null: the fake's clock now.</summary>
    public long? Date { get; init; }
}

/// <summary>A file the fake serves through getFile and <c>/file/bot&lt;token&gt;/&lt;path&gt;</c>.</summary>
/// <param name="DeclaredSize">The <c>file_size</c> reported (null: the real length); lets tests claim a size the bytes do not have.</param>
public sealed record FakeFile(byte[] Bytes, string FileName, string MimeType, long? DeclaredSize = null, int Duration = 0)
{
    public long Size => DeclaredSize ?? Bytes.LongLength;

    /// <summary>The <c>file_path</c> getFile answers (null: one the fake makes up); lets tests play a hostile server ("../../x").</summary>
    public string? ServerPath { get; init; }
}
