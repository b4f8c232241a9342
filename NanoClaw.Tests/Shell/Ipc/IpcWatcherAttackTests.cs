using System.Collections.Concurrent;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Mono.Unix.Native;
using NanoClaw.Shell.Ipc;
using Serilog;
using Xunit.Abstractions;

namespace NanoClaw.Tests.Shell.Ipc;

/// <summary>
/// The real IpcWatcher against what an agent can do in its own <c>data/ipc/&lt;folder&gt;</c> (security review F5, F6):
/// FIFOs, a streaming FIFO, link loops, a directory swapped for a link mid-request, a flood. Real files, no daemon.
/// </summary>
[Trait("Category", "Sandbox")]
public sealed class IpcWatcherAttackTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Guards against hangs only; the tests wait on events, this just turns "never" into a failure.</summary>
    private static readonly TimeSpan Never = TimeSpan.FromSeconds(60);

    private readonly string temp = Directory.CreateTempSubdirectory("nanoclaw-ipc-attack-").FullName;
    private readonly List<string> fifos = [];
    private string Ipc => Path.Combine(temp, "ipc");

    private IpcWatcher Start(Func<IpcFile, string, Task<string?>> handle) =>
        new(Ipc, handle, TimeSpan.FromHours(1), new LoggerConfiguration().CreateLogger());

    private string Inbox(string folder, string dir = "messages")
    {
        var path = Path.Combine(Ipc, folder, dir);
        Directory.CreateDirectory(path);
        return path;
    }

    private string Write(string folder, string name, string text, string dir = "messages")
    {
        var tmp = Path.Combine(Inbox(folder, dir), name + ".tmp");
        File.WriteAllText(tmp, text);
        var path = Path.Combine(Inbox(folder, dir), name);
        File.Move(tmp, path);
        return path;
    }

    private string Fifo(string folder, string name)
    {
        var path = Path.Combine(Inbox(folder), name);
        Assert.Equal(0, Syscall.mkfifo(path, FilePermissions.S_IRUSR | FilePermissions.S_IWUSR));
        fifos.Add(path);
        return path;
    }

    private string Reason(string folder, string name) => Path.Combine(Ipc, "errors", $"{folder}-{name}.reason.txt");

    /// <summary>The entry is in errors/ (itself, not followed) and so is its reason (written before the entry moves).</summary>
    private bool MovedAside(string folder, string name) =>
        Syscall.lstat(Path.Combine(Ipc, "errors", $"{folder}-{name}"), out _) == 0 && File.Exists(Reason(folder, name));

    /// <summary>Waits for a condition on the file system (the watcher's effect), checking it as it changes.</summary>
    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Never;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            Thread.Sleep(20);
        }
    }

    [Fact]
    public void Five_hundred_FIFOs_in_one_group_do_not_hold_up_another_group_and_are_moved_aside()
    {
        for (var i = 0; i < 500; i++) Fifo("flood", $"f{i:D3}.json");
        using var calm = new ManualResetEventSlim();
        var floodHandled = 0;
        using var watcher = Start((file, _) =>
        {
            if (file.SourceFolder == "calm") calm.Set();
            else Interlocked.Increment(ref floodHandled);
            return Task.FromResult<string?>(null);
        });
        Write("calm", "hello.json", "{}");
        // Blocking wait on the handler's signal: it needs no thread-pool thread (the old watcher starved the pool).
        Assert.True(calm.Wait(Never), "the other group's file was not handled");
        WaitFor(() => Enumerable.Range(0, 500).All(i => MovedAside("flood", $"f{i:D3}.json")), "all FIFOs moved aside");
        Assert.All(Enumerable.Range(0, 500), i => Assert.Equal("is a FIFO", File.ReadAllText(Reason("flood", $"f{i:D3}.json")).Trim()));
        Assert.Equal(0, floodHandled);
        Assert.Empty(Directory.GetFileSystemEntries(Inbox("flood")));
    }

    [Fact]
    public void A_FIFO_with_a_writer_streaming_200_MiB_is_refused_without_reading_from_it()
    {
        const long attempt = 200L << 20;
        var path = Fifo("stream", "s.json");
        long written = 0;
        var stop = false;
        // The agent's writer holds the FIFO read-write (so nothing waits for a reader) and writes as fast as it is read.
        var writer = new Thread(() =>
        {
            var fd = Syscall.open(path, OpenFlags.O_RDWR);
            using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, 0);
            var chunk = new byte[64 << 10];
            while (!Volatile.Read(ref stop) && Interlocked.Read(ref written) < attempt)
            {
                stream.Write(chunk);
                Interlocked.Add(ref written, chunk.Length);
            }
        }) { IsBackground = true };
        writer.Start();
        using var watcher = Start((_, _) => Task.FromResult<string?>(null));
        WaitFor(() => MovedAside("stream", "s.json"), "the FIFO moved aside");
        Assert.Equal("is a FIFO", File.ReadAllText(Reason("stream", "s.json")).Trim());

        // Everything the writer pushed is still in the FIFO: drain it ourselves and compare.
        Volatile.Write(ref stop, true);
        var drainFd = Syscall.open(Path.Combine(Ipc, "errors", "stream-s.json"), OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK);
        Assert.True(drainFd >= 0);
        long drained = 0;
        using (var drain = new FileStream(new SafeFileHandle(drainFd, ownsHandle: true), FileAccess.Read, 0))
        {
            var buffer = new byte[1 << 16];
            while (true)
            {
                int n;
                try { n = drain.Read(buffer); }
                catch (IOException) { Thread.Yield(); continue; } // EAGAIN: empty while the writer still holds it open
                if (n == 0) break; // the writer finished its last write and closed: end of file
                drained += n;
            }
        }
        writer.Join();
        output.WriteLine($"writer pushed {written} bytes; {drained} were still in the FIFO");
        Assert.Equal(written, drained);           // the host read none of it
        Assert.True(written < attempt);           // and the writer was held back by the pipe, not by the host's memory
    }

    [Fact]
    public void A_link_loop_in_the_IPC_directory_is_never_walked()
    {
        var hostTree = Path.Combine(temp, "hosttree");
        for (var i = 0; i < 10; i++) File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(hostTree, $"d{i}")).FullName, "f.json"), "{}");
        var group = Path.GetDirectoryName(Inbox("loopy"))!;
        using var handled = new ManualResetEventSlim();
        using var watcher = Start((file, _) =>
        {
            if (file.Name == "ok.json") handled.Set();
            return Task.FromResult<string?>(null);
        });
        using var probe = new DirectoryOpenProbe(hostTree);

        // What an agent can plant in its own IPC mount: links out, links up, links to themselves.
        Directory.CreateSymbolicLink(Path.Combine(group, "x"), hostTree);
        Directory.CreateSymbolicLink(Path.Combine(group, "a"), ".");
        Directory.CreateSymbolicLink(Path.Combine(group, "b"), "..");
        Directory.CreateSymbolicLink(Path.Combine(Inbox("loopy"), "up.json"), "..");
        File.CreateSymbolicLink(Path.Combine(Inbox("loopy"), "self.json"), "self.json");
        Directory.CreateSymbolicLink(Path.Combine(Inbox("loopy"), "tree"), hostTree);
        Write("loopy", "ok.json", "{}");
        watcher.ScanNow();
        Assert.True(handled.Wait(Never), "a normal file next to the loops was not handled");
        WaitFor(() => MovedAside("loopy", "up.json") && MovedAside("loopy", "self.json"), "linked request files moved aside");

        Assert.Equal(1, probe.OpensIncludingOneOfOurOwn(hostTree)); // only our control open: nobody walked through a link
        Assert.Equal(hostTree, new DirectoryInfo(Path.Combine(group, "x")).LinkTarget);
        Assert.Equal(".", new DirectoryInfo(Path.Combine(group, "a")).LinkTarget);
        Assert.Equal("is a symbolic link", File.ReadAllText(Reason("loopy", "up.json")).Trim());
        Assert.Equal(10, Directory.GetFiles(hostTree, "f.json", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void Messages_swapped_for_a_link_to_a_victim_while_a_request_is_handled_leaves_the_victim_untouched()
    {
        var victim = Directory.CreateDirectory(Path.Combine(temp, "store-auth")).FullName;
        File.WriteAllText(Path.Combine(victim, "creds.json"), "victim creds");
        File.WriteAllText(Path.Combine(victim, "other.json"), "victim other");
        Write("evil", "creds.json", "agent's own creds");
        Write("evil", "other.json", "agent's own other");
        var messages = Inbox("evil");
        var swapped = 0;
        var done = new CountdownEvent(2);
        using var watcher = Start((file, text) =>
        {
            // Between the host's listing and its delete or move: the agent swaps messages/ for a link to the victim.
            if (Interlocked.Exchange(ref swapped, 1) == 0)
            {
                Directory.Move(messages, messages + "-old");
                Directory.CreateSymbolicLink(messages, victim);
            }
            done.Signal();
            return Task.FromResult(file.Name == "other.json" ? "refused by the test" : null);
        });
        Assert.True(done.Wait(Never), "both requests handled");
        // Settled either way: creds.json deleted (the agent's, or, through the link, the victim's) and other.json moved aside.
        WaitFor(() => MovedAside("evil", "other.json")
                      && !(File.Exists(Path.Combine(messages + "-old", "creds.json")) && File.Exists(Path.Combine(victim, "creds.json"))),
            "creds.json deleted and other.json moved aside");

        Assert.Equal("victim creds", File.ReadAllText(Path.Combine(victim, "creds.json")));
        Assert.Equal("victim other", File.ReadAllText(Path.Combine(victim, "other.json")));
        Assert.Equal("agent's own other", File.ReadAllText(Path.Combine(Ipc, "errors", "evil-other.json")));
        Assert.Empty(Directory.GetFileSystemEntries(messages + "-old"));
    }

    [Fact]
    public void A_group_flooding_5000_files_does_not_hold_back_another_groups_single_file()
    {
        // Two flooding groups, so that every worker is busy with a flood when the single file arrives.
        for (var i = 0; i < 2500; i++)
        {
            File.WriteAllText(Path.Combine(Inbox("flood1"), $"{i:D4}.json"), "{}");
            File.WriteAllText(Path.Combine(Inbox("flood2"), $"{i:D4}.json"), "{}");
        }
        var floodStarted = 0;
        var floodHandled = 0;
        var startedBeforeCalm = -1;
        using var calmHandled = new ManualResetEventSlim();
        var allFlood = new ManualResetEventSlim();
        using var watcher = Start(async (file, _) =>
        {
            if (file.SourceFolder == "calm")
            {
                startedBeforeCalm = Volatile.Read(ref floodStarted);
                calmHandled.Set();
                return null;
            }
            Interlocked.Increment(ref floodStarted);
            await Task.Yield(); // a request is asynchronous work (SQLite, the outbox)
            if (Interlocked.Increment(ref floodHandled) == 5000) allFlood.Set();
            return null;
        });
        Write("calm", "one.json", "{}");
        Assert.True(calmHandled.Wait(Never), "the single file was not handled");
        var before = startedBeforeCalm;
        output.WriteLine($"flood requests started before the other group's single one: {before} of 5000");
        Assert.True(before < 2500, $"the single file waited for {before} of the flood's 5000 requests");
        Assert.True(allFlood.Wait(Never * 2), "the flood drained");
    }

    [Fact]
    public void Links_hard_links_sockets_and_directories_in_an_inbox_are_moved_aside_with_their_reasons()
    {
        var victim = Directory.CreateDirectory(Path.Combine(temp, "victim")).FullName;
        File.WriteAllText(Path.Combine(victim, "secret.json"), "victim");
        var inbox = Inbox("odd");
        File.CreateSymbolicLink(Path.Combine(inbox, "link.json"), Path.Combine(victim, "secret.json"));
        Assert.Equal(0, Syscall.link(Path.Combine(victim, "secret.json"), Path.Combine(inbox, "hard.json")));
        Directory.CreateDirectory(Path.Combine(inbox, "dir.json", "inner"));
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(inbox, "sock.json")));
        var handled = new ConcurrentBag<string>();
        using var watcher = Start((file, _) => { handled.Add(file.Name); return Task.FromResult<string?>(null); });
        var expected = new Dictionary<string, string>
        {
            ["link.json"] = "is a symbolic link",
            ["hard.json"] = "has 2 hard links",
            ["dir.json"] = "is a directory",
            ["sock.json"] = "is a socket",
        };
        WaitFor(() => expected.Keys.All(name => MovedAside("odd", name)), "all moved aside");
        foreach (var (name, reason) in expected) Assert.Equal(reason, File.ReadAllText(Reason("odd", name)).Trim());
        Assert.Empty(handled);
        Assert.Empty(Directory.GetFileSystemEntries(inbox));
        Assert.Equal("victim", File.ReadAllText(Path.Combine(victim, "secret.json")));
    }

    // 250 bytes: fits NAME_MAX, "long-" + it + ".reason.txt" does not. 225 bytes: "long-" + it + ".reason.txt" fits,
    // but not the temporary name the reason is first written under.
    [Theory]
    [InlineData(245)]
    [InlineData(220)]
    public void A_refused_file_with_a_name_too_long_for_the_errors_naming_is_still_moved_aside_with_its_reason(int stem)
    {
        var name = new string('n', stem) + ".json";
        Write("long", name, "{}");
        using var watcher = Start((_, _) => Task.FromResult<string?>("refused by the test"));
        var errors = Path.Combine(Ipc, "errors");
        WaitFor(() => Directory.Exists(errors) && Directory.GetFiles(errors, "long-*").Length == 2, "moved aside");
        var reason = Assert.Single(Directory.GetFiles(errors, "long-*.reason.txt"));
        Assert.Equal("refused by the test", File.ReadAllText(reason).Trim());
        Assert.Equal("{}", File.ReadAllText(reason[..^".reason.txt".Length]));
        Assert.Empty(Directory.GetFileSystemEntries(Inbox("long")));
    }

    [Fact]
    public void An_inbox_the_agent_deleted_replaced_or_linked_is_picked_up_again()
    {
        var victim = Directory.CreateDirectory(Path.Combine(temp, "victim")).FullName;
        File.WriteAllText(Path.Combine(victim, "v.json"), "victim");
        var handled = new BlockingCollection<string>();
        using var watcher = Start((file, _) => { handled.Add(file.Name); return Task.FromResult<string?>(null); });
        Write("agent", "1.json", "{}");
        Assert.True(handled.TryTake(out var first, Never));
        Assert.Equal("1.json", first);

        // Replaced by a link to a victim: never followed, the link is removed.
        var inbox = Inbox("agent");
        Directory.Delete(inbox, true);
        Directory.CreateSymbolicLink(inbox, victim);
        watcher.ScanNow();
        WaitFor(() => !Path.Exists(inbox), "the linked inbox removed");
        Assert.Equal("victim", File.ReadAllText(Path.Combine(victim, "v.json")));

        // A real directory again: watched and handled (the group directory's watcher, or the scan, re-pins it).
        Write("agent", "2.json", "{}");
        watcher.ScanNow();
        Assert.True(handled.TryTake(out var second, Never));
        Assert.Equal("2.json", second);
        Assert.Empty(handled);
    }

    public void Dispose()
    {
        // Release anything still blocked in open() on a FIFO (the old watcher did that), then clean up.
        foreach (var fifo in fifos.Concat(Directory.Exists(Path.Combine(Ipc, "errors")) ? Directory.GetFiles(Path.Combine(Ipc, "errors")) : []))
        {
            var fd = Syscall.open(fifo, OpenFlags.O_WRONLY | OpenFlags.O_NONBLOCK);
            if (fd >= 0) Syscall.close(fd);
        }
        try { Directory.Delete(temp, true); }
        catch (IOException) { }
    }
}
