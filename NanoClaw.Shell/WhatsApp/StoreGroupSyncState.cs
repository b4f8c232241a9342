using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Store;

namespace NanoClaw.Shell.WhatsApp;

/// <summary>The last group sync time, in the store's reserved <c>__group_sync__</c> chats row.</summary>
public sealed class StoreGroupSyncState(NanoClawStore store) : IGroupSyncState
{
    public Option<DateTimeOffset> LastSync() => store.Messages.LastGroupSync().Bind(IsoTimestamp.Parse);

    public void MarkSynced(DateTimeOffset at) => store.Messages.SetLastGroupSync(at);
}
