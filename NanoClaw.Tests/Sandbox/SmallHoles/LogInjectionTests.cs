using System.Text.Json;

namespace NanoClaw.Tests.Sandbox.SmallHoles;

/// <summary>
/// F13: an agent puts line breaks and terminal escapes into strings the daemon logs (a chat id, a file name). The real
/// daemon must write them escaped, so no forged line appears in <c>logs/nanoclaw.log</c> or on the console.
/// </summary>
[Trait("Category", "Sandbox")]
public sealed class LogInjectionTests
{
    private const string ForgedFileLine = "2020-01-01T00:00:00.000Z INF IPC RegisterGroup from main";
    private const string ForgedConsoleLine = "00:00:00 INF forged console line";

    [Fact]
    public async Task Agent_strings_with_line_breaks_and_escapes_cannot_forge_log_lines()
    {
        var (daemon, mainChat) = await SmallHolesDaemon.StartAsync();
        await using var _ = daemon;
        await using var __ = mainChat;

        // A non-main agent ("evil") asks to message a chat whose id carries forged lines; the refusal names the chat id.
        var jid = $"x@g.us\n{ForgedFileLine} {{}}\r\n{ForgedConsoleLine}\u001b[2J\u0085{ForgedFileLine}\u2028{ForgedFileLine}";
        var byContent = SmallHolesDaemon.WriteIpc(daemon, "evil", "messages", "forge",
            JsonSerializer.Serialize(new { type = "message", chatJid = jid, text = "hi" }));
        // The same through a file name, which the host logs when it refuses the file.
        var byName = SmallHolesDaemon.WriteIpc(daemon, "evil", "messages", $"n\n{ForgedFileLine} by-name", "{not json");
        await SmallHolesDaemon.HandledAsync(byContent, byName);
        await SmallHolesDaemon.WaitUntil(() => SmallHolesDaemon.ReadLog(daemon).Contains("forged console line", StringComparison.Ordinal),
            "the refusal to reach the log file");

        var log = SmallHolesDaemon.ReadLog(daemon);
        var fileLines = log.Split('\n');
        Assert.DoesNotContain(fileLines, l => l.StartsWith("2020-01-01", StringComparison.Ordinal) || l.StartsWith(ForgedConsoleLine, StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', log);
        Assert.DoesNotContain('\u0085', log);
        Assert.DoesNotContain('\u2028', log);
        Assert.DoesNotContain('\r', log);
        // What was refused is still there to read, escaped.
        Assert.Contains("\\n" + ForgedFileLine, log, StringComparison.Ordinal);

        var console = daemon.Output.Split('\n').Select(l => l.StartsWith("ERR ", StringComparison.Ordinal) ? l[4..] : l).ToList();
        Assert.DoesNotContain(console, l => l.StartsWith(ForgedConsoleLine, StringComparison.Ordinal) || l.StartsWith("2020-01-01", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', daemon.Output);
        Assert.True(daemon.IsRunning);
    }
}
