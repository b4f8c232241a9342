using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace NanoClaw.Shell.Setup;

/// <summary>What <c>getMe</c> said about a bot token: the bot's username, or why not.</summary>
/// <param name="Username">The bot's @username (without the @) when the token is good.</param>
/// <param name="RefusedCode">Telegram's error code when it refused the token (401, 404).</param>
/// <param name="Unreachable">Why the Bot API gave no usable answer (timed out, connection refused, an error code).</param>
public sealed record TelegramTokenStatus(string? Username, int? RefusedCode, string? Unreachable);

/// <summary>
/// Asks the Bot API's <c>getMe</c> whether a token is a bot's (<c>auth telegram</c> and the doctor share it). Only the
/// kind of a failure is reported: exception texts can carry the request URL, and the URL carries the token.
/// </summary>
public static class TelegramTokenCheck
{
    public static async Task<TelegramTokenStatus> GetMeAsync(string token, string apiBaseUrl, TimeSpan timeout, CancellationToken cancel)
    {
        try
        {
            using var http = new HttpClient { Timeout = timeout };
            var bot = new TelegramBotClient(new TelegramBotClientOptions(token, apiBaseUrl) { RetryCount = 0 }, http);
            var me = await bot.GetMe(cancel);
            return new(me.Username ?? me.FirstName, null, null);
        }
        catch (ApiRequestException e) when (e.ErrorCode is 401 or 404)
        {
            return new(null, e.ErrorCode, null);
        }
        catch (ArgumentException)
        {
            // Telegram.Bot refuses a token it cannot parse (no bot id before the colon) before asking.
            return new(null, 401, null);
        }
        catch (Exception e) when (e is ApiRequestException or RequestException or HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
        {
            return new(null, null, e switch
            {
                TaskCanceledException => "timed out",
                ApiRequestException api => $"error {api.ErrorCode}",
                _ => e.InnerException is { } inner ? inner.GetType().Name : e.GetType().Name,
            });
        }
    }
}
