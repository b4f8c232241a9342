using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Benchmarks;

/// <summary>Deterministic inputs shared by the suites.</summary>
internal static class BenchData
{
    public static readonly DateTimeOffset Start = new(2026, 1, 31, 14, 0, 0, TimeSpan.Zero);
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    public static readonly AssistantOptions Assistant = new("Andy", HasOwnNumber: false);

    public static RegisteredGroup Group(string jid, string folder, bool isMain = false) =>
        new(jid, folder, folder, "@Andy", "2026-01-01T00:00:00.000Z", None, RequiresTrigger: !isMain, isMain);

    public static ChatMessage Message(string chat, int second, string content, string sender = "Alice", Option<ReplyReference> reply = default) =>
        new($"m{second}", chat, sender + "@s.whatsapp.net", sender, content,
            IsoTimestamp.From(Start.AddSeconds(second)), false, false, reply);

    /// <summary>A realistic batch: mixed senders, some XML-special characters, one reply.</summary>
    public static Seq<ChatMessage> Batch(string chat, int count) =>
        toSeq(Enumerable.Range(1, count).Select(i => Message(chat, i,
            i % 5 == 0 ? $"@Andy can you check <this> & \"that\" ({i})?" : $"message number {i}: lunch at 12, see you there",
            i % 2 == 0 ? "Bob" : "Alice",
            i == count ? Some(new ReplyReference($"m{i - 1}", Some("previous text"), Some("Bob"))) : None)));
}
