using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using NanoClaw.Shell.Store;
using Serilog.Core;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Shell.Store;

/// <summary>One migrated store file shared by the properties; each case writes to its own fresh chat.</summary>
public sealed class SharedStore : IDisposable
{
    private readonly TempStoreDir dir = new();

    public SharedStore() => Store = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);

    public NanoClawStore Store { get; }

    public void Dispose() => dir.Dispose();
}

/// <summary>The store's queries agree with the core's pure rules for any mix of messages.</summary>
public sealed class StorePropertyTests(SharedStore shared) : IClassFixture<SharedStore>
{
    private static readonly string[] Contents = ["hello", "", " ", "\t\n", "@Andy do it", "Andy: reply", "\u00a0", "ünïcødé 👍", "a\0b"];

    private static Seq<ChatMessage> Write(NanoClawStore store, string chat, (byte Ts, byte Content, bool Bot, byte Id)[] specs) =>
        toSeq(specs ?? []).Map(s => new ChatMessage(
            $"id{s.Id % 12}", chat, "s", "S", Contents[s.Content % Contents.Length],
            IsoTimestamp.From(DateTimeOffset.UnixEpoch.AddSeconds(s.Ts % 8)), s.Bot, s.Bot, None))
        .Map(m => { store.Messages.Store(m); return m; }).Strict();

    [Property(MaxTest = 60)]
    [Trait("Category", "Property")]
    public bool The_stored_batch_is_the_cores_batch_selection((byte, byte, bool, byte)[] specs, byte cursorSeconds)
    {
        var chat = Guid.NewGuid().ToString("N") + "@g.us";
        Write(shared.Store, chat, specs);
        var cursor = IsoTimestamp.From(DateTimeOffset.UnixEpoch.AddSeconds(cursorSeconds % 9 - 1));

        var fromStore = shared.Store.Messages.BatchSince(chat, cursor);
        var fromCore = BatchRules.Select(shared.Store.Messages.AllOfChat(chat), cursor);

        return fromStore == fromCore;
    }

    [Property(MaxTest = 60)]
    [Trait("Category", "Property")]
    public bool Every_stored_message_reads_back_as_the_last_write_of_its_id((byte, byte, bool, byte)[] specs)
    {
        var chat = Guid.NewGuid().ToString("N") + "@g.us";
        var written = Write(shared.Store, chat, specs);
        var expected = written.GroupBy(m => m.Id).Map(g => g.Last())
            .OrderBy(m => m.Timestamp, StringComparer.Ordinal).ThenBy(m => m.Id, StringComparer.Ordinal).ToSeq();
        return shared.Store.Messages.AllOfChat(chat) == expected;
    }
}
