using Dapper;

namespace NanoClaw.Shell.Store;

/// <summary>
/// Moves what belongs to a chat's registration to the chat's new id, in one transaction: the registered group (folder,
/// trigger, settings: the same group), its scheduled tasks, and its replies still waiting to be sent. The messages
/// stay under the old id (history: nothing reads them for a batch again) and the agent cursor is not carried: every
/// message under the new id is newer than the move. Which move to make is the core's decision
/// (<c>ChatMigration.Follow</c>); this only performs it.
/// </summary>
public static class ChatMove
{
    /// <summary>Performs the move; false when the old registration is gone or the new id was registered meanwhile (nothing changed).</summary>
    public static bool Apply(NanoClawStore store, string from, string to) =>
        store.Connections.InTransaction((c, t) =>
        {
            var moved = c.Execute(
                "UPDATE registered_groups SET jid = @to WHERE jid = @from AND NOT EXISTS (SELECT 1 FROM registered_groups WHERE jid = @to)",
                new { from, to }, t);
            if (moved == 0) return false;
            c.Execute("UPDATE scheduled_tasks SET chat_jid = @to WHERE chat_jid = @from", new { from, to }, t);
            MovePending(c, t, from, to);
            return true;
        });

    /// <summary>Re-addresses the replies not yet sent (nor moved aside) from the old chat id to the new one; returns how many.</summary>
    public static int MovePending(NanoClawStore store, string from, string to) =>
        store.Connections.InTransaction((c, t) => MovePending(c, t, from, to));

    private static int MovePending(Microsoft.Data.Sqlite.SqliteConnection c, Microsoft.Data.Sqlite.SqliteTransaction t, string from, string to) =>
        c.Execute("UPDATE outbox SET chat_jid = @to WHERE chat_jid = @from AND sent_at IS NULL AND given_up_at IS NULL", new { from, to }, t);
}
