using System.Security.Cryptography;
using System.Text.RegularExpressions;
using NanoClaw.Shell.Pairing;

namespace NanoClaw.Shell.Setup;

/// <summary>What <c>nanoclaw auth telegram</c> printed and its exit code.</summary>
public sealed record TelegramAuthOutcome(int ExitCode, string Message);

/// <summary>
/// <c>nanoclaw auth telegram --token …</c>: asks Telegram (<c>getMe</c>, at the configured Bot API base URL) whether
/// the token is a bot's, stores it in <c>credentials.yml</c> (0600) only then, and issues a one-time pairing code
/// (kept hashed in <c>store/pairing.json</c>). The token is never printed or logged.
/// </summary>
public sealed partial class TelegramAuth(string apiBaseUrl, string credentialsPath, string storeDir, TimeProvider clock, TimeSpan? timeout = null)
{
    /// <summary>Key of the token in <c>credentials.yml</c>.</summary>
    public const string CredentialKey = "telegram_bot_token";

    private readonly TimeSpan timeout = timeout ?? TimeSpan.FromSeconds(30);

    /// <summary>Checks <paramref name="token"/>, saves it when it is <paramref name="save"/>d, issues a code.</summary>
    public async Task<TelegramAuthOutcome> RunAsync(string token, bool save, bool mainExists, bool channelOn, CancellationToken cancel)
    {
        token = token.Trim();
        if (!TokenShape().IsMatch(token))
            return new(Cli.CliExit.BadConfig, "nanoclaw auth telegram: that is not a bot token: BotFather's tokens are digits, a colon, then letters, digits, _ or - (e.g. 123456789:AAH…)");

        var status = await TelegramTokenCheck.GetMeAsync(token, apiBaseUrl, timeout, cancel);
        if (status.RefusedCode is { } refused)
            return new(Cli.CliExit.Error, $"nanoclaw auth telegram: Telegram refused the token ({refused}): copy it again from @BotFather (/mybots → your bot → API Token); nothing was saved");
        if (status.Username is not { } username)
            return new(Cli.CliExit.Error, $"nanoclaw auth telegram: cannot check the token: no answer from the Bot API at {apiBaseUrl} ({status.Unreachable}); nothing was saved");

        if (save) CredentialsFileEditor.Set(credentialsPath, CredentialKey, token);
        var code = Core.Channels.Pairing.NewCode(RandomNumberGenerator.GetBytes(Core.Channels.Pairing.CodeLength));
        new PairingCodeFile(storeDir).Write(Core.Channels.Pairing.Issue(code, clock.GetUtcNow()));

        var lines = new List<string>
        {
            save ? $"Telegram bot @{username} checked; its token is saved in {credentialsPath}."
                 : $"Telegram bot @{username} checked (the token in {credentialsPath}).",
        };
        if (!channelOn) lines.Add("Turn the channel on in config.yml: channels: telegram: true");
        lines.Add($"Then (re)start the assistant (nanoclaw run) and, within {Core.Channels.Pairing.Lifetime.TotalMinutes:0} minutes, send the bot this code in a private chat:");
        lines.Add("");
        lines.Add("    " + code);
        lines.Add("");
        lines.Add(mainExists
            ? "A main group is already registered, so the code registers that chat nowhere; it only proves the bot answers. Add the bot to groups and register them from main."
            : "That private chat becomes your main group. The code works once; run this command again for a new one.");
        return new(Cli.CliExit.Ok, string.Join("\n", lines));
    }

    [GeneratedRegex("^[0-9]{1,16}:[A-Za-z0-9_-]{20,}$")]
    private static partial Regex TokenShape();
}
