using Telegram.Bot.Exceptions;

namespace NanoClaw.Shell.Telegram;

/// <summary>
/// Which send failures will never succeed for that row, so it is moved aside instead of retried (see README "Errors
/// on send"). Telegram answers the same request the same way: a 400 (chat not found, not enough rights, a request it
/// refuses) or a 403 (bot blocked, kicked, not a member, may not write first) will not change by waiting. A 429, a
/// 5xx, a network error, a 401 (token revoked) and a 404 (wrong token or base URL) concern the whole channel or pass,
/// so they keep the row queued and retried.
/// </summary>
public static class TelegramSendErrors
{
    /// <summary>True when retrying this exact request can never succeed.</summary>
    public static bool IsPermanent(Exception e) => e switch
    {
        UndeliverableRowException => true,
        ApiRequestException { ErrorCode: 400 or 403 } api => api.Parameters?.RetryAfter is null,
        _ => false,
    };
}

/// <summary>The row itself can never be sent (its host-owned file copy is gone).</summary>
public sealed class UndeliverableRowException(string message) : Exception(message);
