using NanoClaw.Core.Domain;
using NanoClaw.Shell.Daemon;
using NanoClaw.Shell.Store;
using Serilog.Core;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Shell.Daemon;

/// <summary>Startup recovery against a real SQLite store (issue 15, behaviours 2 and 3).</summary>
public sealed class StartupRecoveryTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nanoclaw-recovery-" + Guid.NewGuid().ToString("N")[..8]);

    private static ChatMessage Msg(string chat, int second, string content, bool bot = false) =>
        new($"{chat}-{second}", chat, "alice@s.whatsapp.net", "Alice", content, $"2026-01-31T14:00:{second:00}.000Z", bot, bot, None);

    [Fact]
    public void A_chat_without_a_cursor_resumes_after_the_assistants_last_reply_and_each_group_gets_its_pending_messages()
    {
        var store = NanoClawStore.Open(dir, "Andy", Logger.None);
        foreach (var (jid, folder) in new[] { ("lost@g.us", "lost"), ("kept@g.us", "kept"), ("fresh@g.us", "fresh") })
            store.Groups.Upsert(new RegisteredGroup(jid, folder, folder, "@Andy", "2026-01-01T00:00:00.000Z", None, true, false)).IfLeft(e => Assert.Fail(e));
        foreach (var m in new[]
                 {
                     Msg("lost@g.us", 1, "@Andy old question"), Msg("lost@g.us", 2, "Andy: old answer", bot: true), Msg("lost@g.us", 3, "@Andy new one"),
                     Msg("kept@g.us", 1, "answered"), Msg("kept@g.us", 4, "Andy: a later reply", bot: true), Msg("kept@g.us", 5, "pending"),
                     Msg("fresh@g.us", 1, "never answered"),
                 })
            store.Messages.Store(m);
        store.RouterState.SetLastAgentTimestamp("kept@g.us", "2026-01-31T14:00:01.000Z");

        var cursors = StartupRecovery.AgentCursors(store);
        Assert.Equal("2026-01-31T14:00:02.000Z", cursors["lost@g.us"]);
        Assert.Equal("2026-01-31T14:00:01.000Z", cursors["kept@g.us"]); // a stored cursor wins
        Assert.False(cursors.ContainsKey("fresh@g.us"));

        var pending = StartupRecovery.Pending(store, NanoClaw.Core.Pipeline.RouterState.Ordinal(cursors));
        Assert.Equal(["@Andy new one", "pending", "never answered"], pending.Map(m => m.Content).OrderBy(c => c, StringComparer.Ordinal)
            .OrderBy(c => c == "@Andy new one" ? 0 : c == "pending" ? 1 : 2));
    }

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
