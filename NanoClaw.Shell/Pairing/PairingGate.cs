using NanoClaw.Core.Channels;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Shell.Setup;
using NanoClaw.Shell.Store;
using Serilog;

namespace NanoClaw.Shell.Pairing;

/// <summary>
/// Performs <see cref="Core.Channels.Pairing"/> on the inbound path, for every channel alike: a message from an
/// unregistered private chat is offered here before ingestion drops it. A match registers the chat as main (when
/// there is none) or nowhere; the code is forgotten either way, and the chat is told what happened.
/// </summary>
public sealed class PairingGate(
    NanoClawStore store,
    PairingCodeFile codeFile,
    string groupsDir,
    string assistantName,
    TimeZoneInfo zone,
    TimeProvider clock,
    ILogger log)
{
    /// <summary>Called after a chat became the main group (the host reloads groups).</summary>
    public Action<RegisteredGroup>? Registered { get; init; }

    /// <summary>Tells a chat what its code did (the host sends it through the channel that owns the chat).</summary>
    public Action<string, string>? Reply { get; init; }

    /// <summary>True when the message was a pairing code and is consumed here (not stored, not answered by an agent).</summary>
    public bool Offer(ChatMessage message, bool isPrivateChat)
    {
        var pending = codeFile.Read();
        if (pending.IsNone) return false;
        var groups = store.Groups.All();
        var attempt = new PairingAttempt(message.ChatJid, message.Content, isPrivateChat,
            groups.Exists(g => g.Jid == message.ChatJid), message.IsFromMe || message.IsBotMessage);
        switch (Core.Channels.Pairing.Decide(pending, groups.Exists(g => g.IsMain), attempt, clock.GetUtcNow()))
        {
            case PairingOutcome.Expired:
                codeFile.Delete();
                log.Information("The pairing code expired unused and was discarded");
                return false;
            case PairingOutcome.ConsumeOnly:
                codeFile.Delete();
                log.Warning("Pairing code sent from {Jid}, but a main group exists: the chat is not registered and the code is used up", message.ChatJid);
                Reply?.Invoke(message.ChatJid, $"This code is used up. {assistantName} already has a main chat, so this chat was not registered.");
                return true;
            case PairingOutcome.RegisterAsMain:
                codeFile.Delete();
                return RegisterMain(message.ChatJid);
            default:
                return false;
        }
    }

    private bool RegisterMain(string jid)
    {
        var request = new RegistrationRequest(jid, "Main", GroupFolder.Main, "@" + assistantName, RequiresTrigger: false, IsMain: true);
        var stored = GroupRegistration.Decide(store.Groups.All(), request, zone, clock.GetUtcNow())
            .Bind(group => store.Groups.Upsert(group).Map(_ => group));
        if (stored.Case is RegisteredGroup main)
        {
            GroupFiles.Ensure(groupsDir, main, assistantName);
            log.Information("Paired {Jid} by its code: it is the main group (folder {Folder})", main.Jid, main.Folder);
            Registered?.Invoke(main);
            Reply?.Invoke(jid, $"Paired: this chat is now {assistantName}'s main chat. Talk to me here; no trigger needed.");
        }
        else
        {
            log.Warning("Pairing {Jid} as the main group failed: {Reason}", jid, stored.Case);
        }
        return true;
    }
}
