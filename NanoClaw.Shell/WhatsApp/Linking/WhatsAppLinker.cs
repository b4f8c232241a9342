using System.Threading.Channels;
using NanoClaw.Shell.WhatsApp.Protocol;
using NanoClaw.Shell.WhatsApp.Sidecar;
using Serilog;

namespace NanoClaw.Shell.WhatsApp.Linking;

/// <summary>The outcome of a linking session: what to tell the user and the exit code.</summary>
public sealed record LinkOutcome(int ExitCode, string Message)
{
    /// <summary>The linked account's phone JID (its own chat), when WhatsApp reported it.</summary>
    public string? PhoneJid { get; init; }
}

/// <summary>
/// <c>nanoclaw auth whatsapp</c>: runs the sidecar in link mode, shows the QR code (or the pairing code),
/// and waits until WhatsApp accepts the device. WhatsApp closes the first connection after pairing
/// ("restart required"), so closes that are not logouts are answered by connecting again.
/// </summary>
public sealed class WhatsAppLinker(SidecarOptions options, TextWriter output, ILogger log, TimeSpan? retryDelay = null)
{
    private const int MaxClosesWithoutProgress = 6;
    private readonly TimeSpan retryDelay = retryDelay ?? TimeSpan.FromSeconds(2);

    public async Task<LinkOutcome> RunAsync(string? phoneDigits, CancellationToken cancellationToken)
    {
        if (options.MissingPieces() is { } missing) return new LinkOutcome(WhatsAppExitCodes.SidecarUnavailable, missing);

        var events = Channel.CreateUnbounded<SidecarEvent>();
        await using var process = SidecarProcess.Start(options, log, (_, e) =>
        {
            events.Writer.TryWrite(e);
            return Task.CompletedTask;
        });
        _ = process.Exited.ContinueWith(_ => events.Writer.TryComplete(), TaskScheduler.Default);

        var connect = SidecarCommand.Connect(options.AuthDir, link: true, phone: phoneDigits);
        bool? linkedBefore = null;
        var relinked = false;
        var closes = 0;
        string? me = null;

        await foreach (var e in events.Reader.ReadAllAsync(cancellationToken))
        {
            switch (e)
            {
                case ReadyEvent:
                    await process.WriteAsync(connect, cancellationToken);
                    break;
                case AuthStateEvent state:
                    linkedBefore ??= state.Linked;
                    me ??= state.Me;
                    break;
                case QrEvent qr:
                    closes = 0;
                    await output.WriteLineAsync("Scan this QR code with WhatsApp on your phone: Settings > Linked devices > Link a device");
                    await output.WriteLineAsync(QrRenderer.Render(qr.Code));
                    await output.WriteLineAsync("(The code changes every few seconds; waiting for the scan...)");
                    break;
                case PairingCodeEvent pairing:
                    closes = 0;
                    await output.WriteLineAsync("On your phone: WhatsApp > Settings > Linked devices > Link a device > Link with phone number instead, and enter:");
                    await output.WriteLineAsync();
                    await output.WriteLineAsync("    " + pairing.Code);
                    await output.WriteLineAsync();
                    break;
                case OwnIdsEvent ids:
                    me = ids.PhoneJid ?? me;
                    break;
                case ConnectionEvent { State: ConnectionEvent.Open }:
                    await process.StopAsync(TimeSpan.FromSeconds(10)); // lets the sidecar finish writing the auth files
                    var who = me is null ? "" : " as +" + me.Split('@')[0];
                    return (linkedBefore == true
                        ? new LinkOutcome(0, $"WhatsApp is already linked{who} (auth in {options.AuthDir}). To link another account, delete that folder and run this again.")
                        : new LinkOutcome(0, $"WhatsApp linked{who}; auth saved in {options.AuthDir}. Start the assistant with: nanoclaw run")) with { PhoneJid = me };
                case ConnectionEvent { State: ConnectionEvent.Close, LoggedOut: true } close:
                    if (linkedBefore == true && !relinked)
                    {
                        // The saved link was removed on the phone: start over with a fresh auth folder.
                        await output.WriteLineAsync("The saved WhatsApp link is no longer valid (it was removed on the phone); starting a new link.");
                        relinked = true;
                        linkedBefore = false;
                        me = null;
                        if (Directory.Exists(options.AuthDir)) Directory.Delete(options.AuthDir, recursive: true);
                        await Task.Delay(retryDelay, cancellationToken);
                        await process.WriteAsync(connect, cancellationToken);
                        break;
                    }
                    await process.StopAsync(TimeSpan.FromSeconds(5));
                    return new LinkOutcome(WhatsAppExitCodes.LoggedOut, $"WhatsApp refused the link ({close.Reason}); run nanoclaw auth whatsapp again.");
                case ConnectionEvent { State: ConnectionEvent.Close } close:
                    if (++closes > MaxClosesWithoutProgress)
                    {
                        await process.StopAsync(TimeSpan.FromSeconds(5));
                        return new LinkOutcome(1, $"Could not reach WhatsApp ({close.Reason}); check the network and try again.");
                    }
                    if (close.Reason != "restartRequired")
                        await output.WriteLineAsync($"Connection closed ({close.Reason}); connecting again...");
                    await Task.Delay(retryDelay, cancellationToken);
                    await process.WriteAsync(connect, cancellationToken);
                    break;
                case ErrorEvent error:
                    await output.WriteLineAsync("WhatsApp: " + error.Msg);
                    break;
                case LogEvent entry:
                    log.Debug("WhatsApp sidecar: {Message}", entry.Msg);
                    break;
            }
        }
        var code = await process.Exited;
        return new LinkOutcome(1, $"The WhatsApp sidecar stopped unexpectedly (exit code {code}); see the messages above.");
    }
}
