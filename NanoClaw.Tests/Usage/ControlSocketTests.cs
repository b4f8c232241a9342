using NanoClaw.Core.Status;
using NanoClaw.Shell.Control;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Usage;

/// <summary>The control socket in process: a real Unix socket, the status view there and back, private permissions.</summary>
[Trait("Category", "Dashboard")]
public sealed class ControlSocketTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nanoclaw-control-" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    public async Task Status_with_a_running_container_arrives_whole_and_the_socket_is_private()
    {
        var since = new DateTimeOffset(2026, 11, 30, 7, 0, 0, TimeSpan.Zero);
        var status = new DaemonStatus(
            Seq1(new ChannelStatus("local", true)),
            Seq(new RunningStatus("family", "g1", Some("nanoclaw-family-1"), Some(since), true, false, None),
                new RunningStatus("work", "g2", None, None, false, true, Some("t1"))),
            Seq1(new WaitingStatus("club", true, 0)),
            Seq<RetryStatus>(),
            Seq1(new NextTaskStatus("t1", "work", "2026-12-01T00:00:00.000Z")),
            Seq1(new GroupErrorStatus("club", "2026-11-30T06:00:00.000Z", "exit 1\u001b[31m")),
            2);
        var path = Path.Combine(dir, ControlServer.FileName);
        await using (ControlServer.Start(path, () => StatusJson.Render(status), Serilog.Core.Logger.None))
        {
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

            var received = await ControlClient.StatusAsync(path, TimeSpan.FromSeconds(10));

            Assert.NotNull(received);
            var running = received["running"]!.AsArray();
            Assert.Equal(("nanoclaw-family-1", "busy", "2026-11-30T07:00:00.000Z"),
                ((string?)running[0]!["container"], (string?)running[0]!["state"], (string?)running[0]!["since"]));
            Assert.Equal((null, "idle", true, "t1"),
                ((string?)running[1]!["container"], (string?)running[1]!["state"], (bool?)running[1]!["closing"], (string?)running[1]!["task"]));
            var text = StatusJson.Text(received);
            Assert.Contains("idle, closing", text);
            Assert.Contains("club (messages)", text);
            Assert.False(text.Contains('\u001b'), text); // ordinal: a culture-aware search finds an ignorable ESC anywhere
        }
        Assert.False(File.Exists(path));
        Assert.Null(await ControlClient.StatusAsync(path, TimeSpan.FromSeconds(10)));
    }

    public void Dispose()
    {
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }
}
