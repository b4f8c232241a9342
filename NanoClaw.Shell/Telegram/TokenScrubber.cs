namespace NanoClaw.Shell.Telegram;

/// <summary>
/// Telegram.Bot puts the bot token in every request URL, so an exception's message may carry it: every text about a
/// Telegram failure passes through here before it is logged. (The daemon's log redactor also knows the token; this
/// keeps the channel safe with any logger.)
/// </summary>
public static class TokenScrubber
{
    public const string Mask = "<telegram-token>";

    public static string Scrub(string? text, string token)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (token.Length == 0) return text;
        var scrubbed = text.Replace(token, Mask, StringComparison.Ordinal);
        // The secret half alone (after the bot id) is just as secret.
        var colon = token.IndexOf(':');
        return colon >= 0 && colon + 1 < token.Length ? scrubbed.Replace(token[(colon + 1)..], Mask, StringComparison.Ordinal) : scrubbed;
    }
}
