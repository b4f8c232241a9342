using LanguageExt;

namespace NanoClaw.Shell.WhatsApp;

/// <summary>When group names were last fetched (kept in <c>chats</c> under the reserved jid <c>__group_sync__</c>).</summary>
public interface IGroupSyncState
{
    /// <summary>The reserved chat id holding the time of the last sync.</summary>
    const string ReservedJid = "__group_sync__";

    /// <summary>The last sync, if any.</summary>
    Option<DateTimeOffset> LastSync();

    /// <summary>Records a completed sync.</summary>
    void MarkSynced(DateTimeOffset at);
}

/// <summary>Whether group names are due for a refresh: at most once per interval unless forced.</summary>
public static class GroupSyncRule
{
    public static bool IsDue(Option<DateTimeOffset> lastSync, DateTimeOffset now, TimeSpan interval, bool forced) =>
        forced || lastSync.Match(last => now - last >= interval || last > now, () => true);
}
