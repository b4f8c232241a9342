using LanguageExt;
using LanguageExt.ClassInstances;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using NanoClaw.Shell.Store;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// What the pipeline starts from (SPEC §5, startup recovery): each chat's agent cursor (a chat without a stored one
/// starts after the assistant's last reply there) and every registered group's messages after it, handed over
/// together so each group gets them as one batch.
/// </summary>
public static class StartupRecovery
{
    /// <summary>Stored agent cursors, plus a recovered one for every registered group that has none.</summary>
    public static Map<string, string> AgentCursors(NanoClawStore store)
    {
        var cursors = store.RouterState.LastAgentTimestamps();
        foreach (var group in store.Groups.All())
            if (CursorRules.Recover(cursors.Find(group.Jid), store.Messages.LastBotMessageTimestamp(group.Jid)).Case is string cursor)
                cursors = cursors.AddOrUpdate(group.Jid, cursor);
        return cursors;
    }

    /// <summary>Every registered group's messages after its agent cursor.</summary>
    public static Seq<ChatMessage> Pending(NanoClawStore store, Map<OrdStringOrdinal, string, string> cursors) =>
        store.Groups.All().Bind(g => store.Messages.BatchSince(g.Jid, cursors.Find(g.Jid).IfNone(""))).Strict();
}
