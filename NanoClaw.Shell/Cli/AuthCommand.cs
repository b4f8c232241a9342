using System.CommandLine;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.WhatsApp.Linking;
using NanoClaw.Shell.WhatsApp.Sidecar;

namespace NanoClaw.Shell.Cli;

/// <summary><c>nanoclaw auth whatsapp [--phone NUMBER]</c>: links WhatsApp as a linked device; <c>auth telegram --token T</c>: a bot.</summary>
public static class AuthCommand
{
    public static Command Build()
    {
        var phone = new Option<string?>("--phone")
        {
            Description = "Link with a pairing code for this phone number (with country code, e.g. +15551234567) instead of a QR code",
        };
        var whatsapp = new Command("whatsapp", "Link the assistant's WhatsApp account (QR code in the terminal, or a pairing code with --phone); auth is saved in store/auth");
        whatsapp.Options.Add(phone);
        whatsapp.SetAction((parse, cancellationToken) => ShellContext.RunAsync(parse, "auth whatsapp", logToFile: false, async context =>
        {
            string? digits = null;
            if (parse.GetValue(phone) is { } given)
            {
                var parsed = PhoneNumber.Parse(given);
                if (parsed.IsLeft)
                {
                    await Console.Error.WriteLineAsync(parsed.Match(_ => "", e => e));
                    return ShellContext.ExitBadConfig;
                }
                digits = parsed.Match(d => d, _ => "");
            }
            var options = SidecarOptions.Locate(context.ProjectRoot, context.Options.Paths.StoreDir, Environment.GetEnvironmentVariable);
            var outcome = await new WhatsAppLinker(options, Console.Out, context.Log).RunAsync(digits, cancellationToken);
            await (outcome.ExitCode == 0 ? Console.Out : Console.Error).WriteLineAsync(outcome.Message);
            if (outcome.ExitCode == 0 && outcome.PhoneJid is { } own &&
                Setup.OwnChatAsMain.Register(context.OpenStore(), own, context.Options.Paths.GroupsDir, context.Options.Assistant.Name,
                    context.TimeZone, TimeProvider.System.GetUtcNow(), context.Log).Case is Core.Domain.RegisteredGroup main)
                await Console.Out.WriteLineAsync($"Your own chat ({main.Jid}) is the main group: message yourself to talk to {context.Options.Assistant.Name}.");
            return outcome.ExitCode;
        }));
        var auth = new Command("auth", "Link messaging accounts");
        auth.Subcommands.Add(whatsapp);
        auth.Subcommands.Add(Telegram());
        return auth;
    }

    /// <summary><c>nanoclaw auth telegram [--token T]</c>: checks and saves the bot token, prints a one-time pairing code.</summary>
    private static Command Telegram()
    {
        var token = new Option<string?>("--token")
        {
            Description = "The bot token from @BotFather (/newbot). Without it, the token already in credentials.yml is checked and a new code issued",
        };
        var telegram = new Command("telegram", "Connect a Telegram bot: checks the token (getMe), saves it in credentials.yml and prints a one-time code; " +
                                               "send the code to the bot in a private chat to make that chat the main group");
        telegram.Options.Add(token);
        telegram.SetAction((parse, cancellationToken) => ShellContext.RunAsync(parse, "auth telegram", logToFile: false, async context =>
        {
            var given = parse.GetValue(token);
            var stored = context.Credentials.TelegramBotToken.IfNone("");
            if (string.IsNullOrWhiteSpace(given) && stored.Length == 0)
            {
                await Console.Error.WriteLineAsync("nanoclaw auth telegram: give the bot's token: nanoclaw auth telegram --token 123456789:AAH… (from @BotFather, /newbot)");
                return CliExit.BadConfig;
            }
            var credentialsPath = Path.Combine(context.ProjectRoot, ConfigLoader.CredentialsFile);
            var mainExists = File.Exists(Path.Combine(context.Options.Paths.StoreDir, Store.NanoClawStore.DatabaseFileName))
                             && context.OpenStore().Groups.All().Exists(g => g.IsMain);
            var outcome = await new Setup.TelegramAuth(context.Options.Channels.Telegram.ApiBaseUrl, credentialsPath, context.Options.Paths.StoreDir,
                    TimeProvider.System)
                .RunAsync(string.IsNullOrWhiteSpace(given) ? stored : given, save: !string.IsNullOrWhiteSpace(given), mainExists,
                    context.Options.Channels.Telegram.Enabled, cancellationToken);
            await (outcome.ExitCode == 0 ? Console.Out : Console.Error).WriteLineAsync(outcome.Message);
            return outcome.ExitCode;
        }));
        return telegram;
    }
}
