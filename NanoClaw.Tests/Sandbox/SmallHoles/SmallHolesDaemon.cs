using System.Text;
using Dapper;
using NanoClaw.Tests.Fault;

namespace NanoClaw.Tests.Sandbox.SmallHoles;

/// <summary>What an agent can do to a real daemon from its IPC directory, and what the tests look at afterwards.</summary>
internal static class SmallHolesDaemon
{
    /// <summary>A running daemon whose main group answers (so main's IPC requests are main's).</summary>
    public static async Task<(DaemonHarness Daemon, ChatSession MainChat)> StartAsync()
    {
        var daemon = new DaemonHarness();
        await daemon.StartAsync();
        var chat = await ChatSession.OpenAsync(daemon);
        await chat.SendAsync("main", "hello");
        await chat.WaitForRepliesAsync(1, TimeSpan.FromSeconds(60));
        return (daemon, chat);
    }

    /// <summary>Writes a request the way an agent does: <c>name.json.tmp</c>, then renamed to <c>name.json</c>.</summary>
    public static string WriteIpc(DaemonHarness daemon, string folder, string dir, string name, string content)
    {
        var path = Path.Combine(daemon.IpcDir, folder, dir);
        Directory.CreateDirectory(path);
        var tmp = Path.Combine(path, name + ".json.tmp");
        File.WriteAllText(tmp, content, new UTF8Encoding(false));
        var final = Path.Combine(path, name + ".json");
        File.Move(tmp, final);
        return final;
    }

    /// <summary>Waits until the daemon has consumed (handled or moved aside) every given request file.</summary>
    public static Task HandledAsync(params string[] files) =>
        WaitUntil(() => files.All(f => !File.Exists(f)), "the daemon to handle " + string.Join(", ", files.Select(Path.GetFileName)));

    public static string LogFile(DaemonHarness daemon) => Path.Combine(daemon.Root, "logs", "nanoclaw.log");

    /// <summary>The log file as it is now (the daemon keeps it open).</summary>
    public static string ReadLog(DaemonHarness daemon)
    {
        var path = LogFile(daemon);
        if (!File.Exists(path)) return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static List<(string Jid, string Folder)> Groups(DaemonHarness daemon)
    {
        using var c = daemon.OpenDb();
        return c.Query<(string, string)>("SELECT jid, folder FROM registered_groups ORDER BY jid").ToList();
    }

    public static async Task WaitUntil(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for: " + what);
            await Task.Delay(50);
        }
    }
}
