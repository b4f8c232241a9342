using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Shell.Store;

/// <summary>
/// The multi-chat poll (one JSON chat-list parameter, issue 16) returns exactly each listed chat's batch after the
/// cursor, merged in time order, whatever the chat ids contain.
/// </summary>
public sealed class MultiChatPollProperties(SharedStore shared) : IClassFixture<SharedStore>
{
    // Hostile ids: JSON and SQL metacharacters, unicode, a NUL; each case appends a fresh suffix so cases never share a chat.
    private static readonly string[] Prefixes = ["a@g.us", "b\"],\"x", "c\\\"", "d') OR 1=1 --", "é👍", "f\u0000g", "[1,2]"];
    private static readonly string[] Contents = ["hello", "", " ", "@Andy do it", "ünïcødé 👍"];

    [Property(MaxTest = 60)]
    [Trait("Category", "Property")]
    public void The_poll_is_the_listed_chats_batches_merged_in_time_order((byte Chat, byte Ts, byte Content, bool Bot, byte Id)[] specs, byte cursorSeconds, byte listed)
    {
        var suffix = Guid.NewGuid().ToString("N");
        var chats = Prefixes.Select(p => p + suffix).ToArray();
        foreach (var s in specs ?? [])
            shared.Store.Messages.Store(new ChatMessage(
                $"id{s.Id % 6}", chats[s.Chat % chats.Length], "s", "S", Contents[s.Content % Contents.Length],
                IsoTimestamp.From(DateTimeOffset.UnixEpoch.AddSeconds(s.Ts % 8)), s.Bot, s.Bot, None));
        var cursor = IsoTimestamp.From(DateTimeOffset.UnixEpoch.AddSeconds(cursorSeconds % 9 - 1));
        // Some subset of the chats (never empty), listed twice over to check duplicates change nothing.
        var asked = chats.Where((_, i) => ((listed | 1) & (1 << i)) != 0).ToArray();

        var (messages, newCursor) = shared.Store.Messages.NewMessages([.. asked, .. asked], cursor);

        var expected = asked.SelectMany(c => BatchRules.Select(shared.Store.Messages.AllOfChat(c), cursor)).ToList();
        Assert.Equal(Key(expected), Key(messages));
        Assert.Equal(messages.OrderBy(m => m.Timestamp, StringComparer.Ordinal).ThenBy(m => m.Id, StringComparer.Ordinal).Select(m => (m.Timestamp, m.Id)),
            messages.Select(m => (m.Timestamp, m.Id)));
        var newest = expected.Select(m => m.Timestamp).Append(cursor).Max(StringComparer.Ordinal);
        Assert.Equal(newest, newCursor);
    }

    private static List<string> Key(IEnumerable<ChatMessage> messages) =>
        [.. messages.Select(m => $"{m.ChatJid}\u0001{m.Id}\u0001{m.Timestamp}\u0001{m.Content}").Order(StringComparer.Ordinal)];
}
