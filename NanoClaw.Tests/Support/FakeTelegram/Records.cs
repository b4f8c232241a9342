namespace NanoClaw.Tests.Support.FakeTelegram;

/// <summary>One HTTP request the fake answered: the Bot API method, when (by the fake's clock) and the status sent back.</summary>
public sealed record TelegramRequest(string Method, DateTimeOffset At, int Status, IReadOnlyDictionary<string, string> Parameters);

/// <summary>A text message the bot sent (sendMessage), as the fake accepted it.</summary>
public sealed record SentMessage(long ChatId, long MessageId, string Text, string? ParseMode, long? ReplyToMessageId)
{
    /// <summary>The text as a user sees it (HTML parsed when sent with parse_mode HTML).</summary>
    public string VisibleText => string.Equals(ParseMode, "HTML", StringComparison.OrdinalIgnoreCase) ? TelegramHtml.Parse(Text).Text : Text;
}

/// <summary>A file the bot sent (sendPhoto, sendDocument, sendVoice, sendAudio, sendVideo).</summary>
public sealed record SentFile(string Method, long ChatId, long MessageId, string FileName, string ContentType, byte[] Bytes,
    string? Caption, string? ParseMode);

/// <summary>A sendChatAction call.</summary>
public sealed record SentChatAction(long ChatId, string Action);

/// <summary>A failure the fake answers instead of the real result, for the next matching requests.</summary>
/// <param name="Method">Bot API method it applies to (case-insensitive), or null for any.</param>
/// <param name="ErrorCode">HTTP status and <c>error_code</c>.</param>
/// <param name="Description">The <c>description</c> field.</param>
/// <param name="RetryAfter">Seconds for <c>parameters.retry_after</c>, if any.</param>
public sealed record InjectedFailure(string? Method, int ErrorCode, string Description, int? RetryAfter = null);

/// <summary>Who sends a queued update.</summary>
public sealed record TelegramUser(long Id, string FirstName, string? Username = null, string? LastName = null, bool IsBot = false)
{
    public static TelegramUser Alice { get; } = new(1001, "Alice", "alice");
    public static TelegramUser Bob { get; } = new(1002, "Bob", "bob_b", "Builder");
}
