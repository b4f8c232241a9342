using System.Text;
using System.Text.Json;
using Dapper;
using Xunit.Abstractions;

namespace NanoClaw.Tests.Fault;

/// <summary>
/// Throws well over a thousand hostile files at a running daemon's IPC directories and checks that it stays up, moves
/// every one aside with a reason, and lets none of them change anything it was not allowed to.
/// </summary>
[Trait("Category", "Fault")]
public sealed class IpcFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Hostile_ipc_files_are_refused_and_change_nothing()
    {
        await using var daemon = new DaemonHarness();
        await daemon.StartAsync();
        await using var mainChat = await ChatSession.OpenAsync(daemon);
        await mainChat.SendAsync("main", "hello");
        await mainChat.WaitForRepliesAsync(1, TimeSpan.FromSeconds(30));

        // Legitimate set-up through IPC: main registers two groups; main and g2 each schedule a far-away task.
        WriteIpc(daemon, "main", "tasks", "reg1", """{"type":"register_group","jid":"local:g1","name":"G1","folder":"g1","trigger":"@Andy"}""");
        WriteIpc(daemon, "main", "tasks", "reg2", """{"type":"register_group","jid":"local:g2","name":"G2","folder":"g2","trigger":"@Andy"}""");
        await WaitUntil(() => Count(daemon, "SELECT COUNT(*) FROM registered_groups") == 3, "groups registered");
        WriteIpc(daemon, "main", "tasks", "t1", """{"type":"schedule_task","prompt":"main-task","schedule_type":"cron","schedule_value":"0 0 1 1 *","targetJid":"local:main"}""");
        WriteIpc(daemon, "g2", "tasks", "t2", """{"type":"schedule_task","prompt":"g2-task","schedule_type":"cron","schedule_value":"0 0 1 1 *","targetJid":"local:g2"}""");
        await WaitUntil(() => Count(daemon, "SELECT COUNT(*) FROM scheduled_tasks") == 2, "tasks stored");
        var taskIds = Query(daemon, "SELECT id FROM scheduled_tasks ORDER BY prompt");
        var before = Snapshot(daemon);

        await using var g1Chat = await ChatSession.OpenAsync(daemon);
        await g1Chat.SendAsync("g1", "no trigger here");
        await using var g2Chat = await ChatSession.OpenAsync(daemon);
        await g2Chat.SendAsync("g2", "no trigger here either");
        // A file in main's group folder: a symlinked IPC directory must not make the host consume it.
        var bait = Path.Combine(daemon.Root, "groups", "main", "notes.json");
        File.WriteAllText(bait, """{"type":"message","chatJid":"local:main","text":"bait"}""");
        await Task.Delay(500);
        var framesBefore = (main: mainChat.Frames.Count(f => f.Type == "reply"), g2: g2Chat.Frames.Count(f => f.Type == "reply"));

        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var files = HostileFiles(new Random(seed), taskIds).ToList();
        var written = 0;
        foreach (var (folder, dir, name, content) in files)
        {
            WriteIpc(daemon, folder, dir, name, content);
            written++;
        }
        // Symbolic links: to a file outside, to another group's request, and whole directories pointing elsewhere.
        Directory.CreateDirectory(Path.Combine(daemon.IpcDir, "g1", "tasks"));
        File.CreateSymbolicLink(Path.Combine(daemon.IpcDir, "g1", "tasks", "passwd.json"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(daemon.IpcDir, "g1", "messages", "bait.json"), bait);
        Directory.CreateDirectory(Path.Combine(daemon.IpcDir, "evil"));
        Directory.CreateSymbolicLink(Path.Combine(daemon.IpcDir, "evil", "tasks"), Path.Combine(daemon.Root, "groups", "main"));
        Directory.CreateSymbolicLink(Path.Combine(daemon.IpcDir, "mainlink"), Path.Combine(daemon.IpcDir, "main"));
        var symlinkFiles = 2;
        output.WriteLine($"{written} generated files + {symlinkFiles} symlinked files + 2 symlinked directories");
        Assert.True(written + symlinkFiles >= 1000);

        // Everything is handled: no request file left in any group's IPC directories.
        await WaitUntil(() => PendingFiles(daemon).Count == 0, "all IPC files handled", TimeSpan.FromSeconds(90));
        await Task.Delay(1500); // a couple of safety scans over the symlinked directories

        var errors = Directory.GetFiles(Path.Combine(daemon.IpcDir, "errors"));
        var refused = errors.Where(f => !f.EndsWith(".reason.txt", StringComparison.Ordinal)).ToList();
        var reasons = errors.Where(f => f.EndsWith(".reason.txt", StringComparison.Ordinal)).ToHashSet();
        output.WriteLine($"{refused.Count} files in errors/");
        Assert.Equal(written + symlinkFiles, refused.Count);
        Assert.All(refused, f => Assert.Contains(f + ".reason.txt", reasons));
        Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(File.ReadAllText(r))));

        // No unauthorised effect: store unchanged, the bait and /etc/passwd untouched, no message reached other chats.
        Assert.Equal(before, Snapshot(daemon));
        Assert.True(File.Exists(bait), "a file in main's group folder was consumed through a symlinked IPC directory");
        Assert.True(File.Exists("/etc/passwd"));
        Assert.Equal(["g1", "g2", "global", "main"], Directory.GetDirectories(Path.Combine(daemon.Root, "groups")).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal));

        // Still alive and still obeying legitimate requests: g1 may write to its own chat; main still answers.
        WriteIpc(daemon, "g1", "messages", "ok", """{"type":"message","chatJid":"local:g1","text":"legit from g1"}""");
        await g1Chat.WaitForRepliesAsync(1, TimeSpan.FromSeconds(20));
        Assert.Contains(g1Chat.Replies, r => r.Contains("legit from g1", StringComparison.Ordinal));
        await mainChat.SendAsync("main", "still there?");
        Assert.Equal(framesBefore.main + 1, (await mainChat.WaitForRepliesAsync(framesBefore.main + 1, TimeSpan.FromSeconds(30))).Count);
        Assert.Equal(framesBefore.g2, g2Chat.Frames.Count(f => f.Type == "reply"));
        Assert.DoesNotContain(mainChat.Replies, r => r.Contains("pwned", StringComparison.Ordinal) || r.Contains("bait", StringComparison.Ordinal));
        Assert.True(daemon.IsRunning);
    }

    private static IEnumerable<(string Folder, string Dir, string Name, string Content)> HostileFiles(Random rng, IReadOnlyList<string> taskIds)
    {
        string J(object o) => JsonSerializer.Serialize(o);
        var mainTask = taskIds[0];
        var g2Task = taskIds[1];
        var n = 0;
        string Name() => $"f{n++:D5}";
        string RandomText(int length)
        {
            var chars = new char[length];
            for (var i = 0; i < length; i++) chars[i] = (char)rng.Next(1, 0x7FF);
            return new string(chars);
        }

        for (var round = 0; round < 40; round++)
        {
            // Malformed JSON.
            yield return ("g1", "tasks", Name(), RandomText(rng.Next(1, 300)));
            yield return ("g1", "messages", Name(), "{\"type\":\"message\",\"chatJid\":\"local:g1\",\"text\":\"unterminated");
            yield return ("g1", "tasks", Name(), new string('[', 5000 + rng.Next(5000)));
            yield return ("g1", "messages", Name(), rng.Next(3) switch { 0 => "null", 1 => "[]", _ => "\"just a string\"" });
            yield return ("g1", "tasks", Name(), "");
            // Wrong types.
            yield return ("g1", "messages", Name(), J(new { type = "message", chatJid = 12345, text = "x" }));
            yield return ("g1", "messages", Name(), J(new { type = "message", chatJid = "local:g1", text = new[] { "a", "b" } }));
            yield return ("g1", "tasks", Name(), J(new { type = "schedule_task", prompt = "p", schedule_type = "cron", schedule_value = new { a = 1 }, targetJid = "local:g1" }));
            yield return ("g1", "tasks", Name(), J(new { type = 7 }));
            yield return ("g1", "tasks", Name(), J(new { type = "pause_task", taskId = 42 }));
            // Invalid values.
            yield return ("g1", "tasks", Name(), J(new { type = "schedule_task", prompt = "p", schedule_type = "cron", schedule_value = "61 * * * *", targetJid = "local:g1" }));
            yield return ("g1", "tasks", Name(), J(new { type = "schedule_task", prompt = "p", schedule_type = "interval", schedule_value = "-5", targetJid = "local:g1" }));
            yield return ("g1", "tasks", Name(), J(new { type = "schedule_task", prompt = "p", schedule_type = "weekly", schedule_value = "1", targetJid = "local:g1" }));
            // Huge fields (under and over the file limit).
            yield return ("g1", "messages", Name(), J(new { type = "message", chatJid = "local:g2", text = new string('A', 200_000 + rng.Next(600_000)) }));
            if (round % 10 == 0)
                yield return ("g1", "messages", Name(), J(new { type = "message", chatJid = "local:g1", text = new string('B', 1_200_000) }));
            // Unknown types.
            yield return ("g1", "tasks", Name(), J(new { type = "delete_everything" }));
            yield return ("g1", "messages", Name(), J(new { type = "schedule_task", prompt = "wrong dir", schedule_type = "once", schedule_value = "2030-01-01T00:00:00", targetJid = "local:g1" }));
            // Path traversal and bad folders, from non-main and from main.
            yield return ("g1", "tasks", Name(), J(new { type = "register_group", jid = "local:x" + round, name = "x", folder = "../../etc", trigger = "@Andy" }));
            yield return ("main", "tasks", Name(), J(new { type = "register_group", jid = "local:t" + round, name = "t", folder = "../escape" + round, trigger = "@Andy" }));
            yield return ("main", "tasks", Name(), J(new { type = "register_group", jid = "local:u" + round, name = "u", folder = round % 2 == 0 ? "global" : "GLOBAL", trigger = "@Andy" }));
            yield return ("main", "tasks", Name(), J(new { type = "register_group", jid = "local:v" + round, name = "v", folder = "a/b", trigger = "@Andy" }));
            yield return ("main", "tasks", Name(), J(new { type = "register_group", jid = "local:w" + round, name = "w", folder = "/abs" + round, trigger = "@Andy" }));
            // Cross-group requests from non-main.
            yield return ("g1", "messages", Name(), J(new { type = "message", chatJid = "local:main", text = "pwned main " + round }));
            yield return ("g1", "messages", Name(), J(new { type = "message", chatJid = "local:g2", text = "pwned g2 " + round }));
            yield return ("g1", "messages", Name(), J(new { type = "message", chatJid = "local:nobody", text = "pwned nobody" }));
            yield return ("g1", "tasks", Name(), J(new { type = "schedule_task", prompt = "pwned", schedule_type = "once", schedule_value = "2030-01-01T00:00:00", targetJid = "local:g2" }));
            yield return ("g1", "tasks", Name(), J(new { type = "schedule_task", prompt = "pwned", schedule_type = "once", schedule_value = "2030-01-01T00:00:00", targetJid = "local:main" }));
            yield return ("g1", "tasks", Name(), J(new { type = "pause_task", taskId = mainTask }));
            yield return ("g1", "tasks", Name(), J(new { type = "cancel_task", taskId = g2Task }));
            yield return ("g1", "tasks", Name(), J(new { type = "resume_task", taskId = mainTask }));
            yield return ("g1", "tasks", Name(), J(new { type = "update_task", taskId = g2Task, prompt = "pwned" }));
            yield return ("g1", "tasks", Name(), J(new { type = "cancel_task", taskId = "no-such-task" }));
            // Main-only requests from non-main.
            yield return ("g1", "tasks", Name(), J(new { type = "refresh_groups" }));
            yield return ("g1", "tasks", Name(), J(new { type = "register_group", jid = "local:evil" + round, name = "evil", folder = "evil" + round, trigger = "@Andy" }));
            yield return ("g1", "tasks", Name(), J(new { type = "register_group", jid = "local:main", name = "hijack", folder = "g1", trigger = "@Andy" }));
            // Unregistered or fake identities: the directory is the identity, nothing in the file can claim another.
            yield return ("evil", "messages", Name(), J(new { type = "message", chatJid = "local:main", text = "pwned from evil", group = "main", isMain = true }));
            yield return ("MAIN", "tasks", Name(), J(new { type = "register_group", jid = "local:m" + round, name = "m", folder = "m" + round, trigger = "@Andy" }));
            yield return ("global", "messages", Name(), J(new { type = "message", chatJid = "local:main", text = "pwned from global" }));
            yield return ("g1", "tasks", Name(), J(new { type = "schedule_task", prompt = "pwned", schedule_type = "once", schedule_value = "2030-01-01T00:00:00", targetJid = "local:main", groupFolder = "main" }));
        }
    }

    private static void WriteIpc(DaemonHarness daemon, string folder, string dir, string name, string content)
    {
        var path = Path.Combine(daemon.IpcDir, folder, dir);
        Directory.CreateDirectory(path);
        var tmp = Path.Combine(path, name + ".json.tmp");
        File.WriteAllText(tmp, content, new UTF8Encoding(false));
        File.Move(tmp, Path.Combine(path, name + ".json"));
    }

    private static List<string> PendingFiles(DaemonHarness daemon) =>
        Directory.EnumerateDirectories(daemon.IpcDir).Where(d => Path.GetFileName(d) != "errors")
            .SelectMany(d => new[] { "messages", "tasks" }.Select(s => Path.Combine(d, s)))
            .Where(d => Directory.Exists(d) && new DirectoryInfo(d).LinkTarget is null)
            .SelectMany(d => Directory.GetFiles(d, "*.json")).ToList();

    private static long Count(DaemonHarness daemon, string sql)
    {
        using var c = daemon.OpenDb();
        return c.ExecuteScalar<long>(sql);
    }

    private static List<string> Query(DaemonHarness daemon, string sql)
    {
        using var c = daemon.OpenDb();
        return c.Query<string>(sql).ToList();
    }

    private static string Snapshot(DaemonHarness daemon)
    {
        using var c = daemon.OpenDb();
        var tasks = c.Query("SELECT id, group_folder, chat_jid, prompt, schedule_type, schedule_value, next_run, status FROM scheduled_tasks ORDER BY id")
            .Select(r => string.Join("|", ((IDictionary<string, object>)r).Values));
        var groups = c.Query("SELECT jid, name, folder, trigger_pattern, requires_trigger, is_main FROM registered_groups ORDER BY jid")
            .Select(r => string.Join("|", ((IDictionary<string, object>)r).Values));
        return string.Join("\n", tasks.Concat(groups));
    }

    private static async Task WaitUntil(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for: " + what);
            await Task.Delay(100);
        }
    }
}
