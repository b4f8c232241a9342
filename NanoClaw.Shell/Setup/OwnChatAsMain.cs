using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Shell.Store;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Setup;

/// <summary>
/// When WhatsApp links and no main group exists, the account's own chat (messages to yourself) becomes the main
/// group in folder <c>main</c>, as NanoClaw's setup did. Never replaces an existing main group.
/// </summary>
public static class OwnChatAsMain
{
    /// <summary>Registers <paramref name="phoneJid"/>'s chat as main when there is no main group; the group when it did.</summary>
    public static Option<RegisteredGroup> Register(NanoClawStore store, string phoneJid, string groupsDir, string assistantName,
        TimeZoneInfo zone, DateTimeOffset now, ILogger log)
    {
        var existing = store.Groups.All();
        if (existing.Exists(g => g.IsMain) || string.IsNullOrWhiteSpace(phoneJid)) return None;
        var request = new RegistrationRequest(phoneJid, "Main", GroupFolder.Main, "@" + assistantName, RequiresTrigger: false, IsMain: true);
        var stored = GroupRegistration.Decide(existing, request, zone, now).Bind(group => store.Groups.Upsert(group).Map(_ => group));
        return stored.Match(
            group =>
            {
                GroupFiles.Ensure(groupsDir, group, assistantName);
                log.Information("Registered the account's own chat {Jid} as the main group (folder {Folder})", group.Jid, group.Folder);
                return Some(group);
            },
            reason =>
            {
                log.Warning("Could not register the account's own chat {Jid} as the main group: {Reason}", phoneJid, reason);
                return None;
            });
    }
}
