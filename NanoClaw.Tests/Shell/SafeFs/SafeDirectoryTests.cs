using System.Net.Sockets;
using System.Text;
using Mono.Unix.Native;
using NanoClaw.Shell.SafeFs;

namespace NanoClaw.Tests.Shell.SafeFs;

/// <summary>SafeDirectory against what an agent can plant in its writable directories: real files, links, FIFOs, sockets.</summary>
[Trait("Category", "Sandbox")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SafeDirectoryTests : IDisposable
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string root = Directory.CreateTempSubdirectory("nanoclaw-safefs-").FullName;
    private readonly string victim;

    public SafeDirectoryTests()
    {
        victim = Path.Combine(root, "victim");
        Directory.CreateDirectory(victim);
        File.WriteAllText(Path.Combine(victim, "secret.json"), "do not touch");
    }

    private string Agent(string name = "agent")
    {
        var dir = Path.Combine(root, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private void AssertVictimUntouched()
    {
        Assert.Equal(["secret.json"], Directory.GetFileSystemEntries(victim).Select(Path.GetFileName));
        Assert.Equal("do not touch", File.ReadAllText(Path.Combine(victim, "secret.json")));
    }

    /// <summary>Runs a call that must not block; a hang becomes a failure instead of a stuck test run.</summary>
    private static T NoHang<T>(Func<T> call)
    {
        var task = Task.Factory.StartNew(call, TaskCreationOptions.LongRunning);
        Assert.True(task.Wait(TimeSpan.FromSeconds(60)), "the call blocked");
        return task.Result;
    }

    private static string Refusal(SafeRead read) => Assert.IsType<SafeRead.Refused>(read).Reason;

    private static void MakeFifo(string path) => Assert.Equal(0, Syscall.mkfifo(path, FilePermissions.S_IRUSR | FilePermissions.S_IWUSR));

    [Fact]
    public void A_regular_file_is_read_whole()
    {
        File.WriteAllText(Path.Combine(Agent(), "a.json"), "{\"x\":1}");
        using var dir = SafeDirectory.Open(Agent());
        Assert.Equal("{\"x\":1}", Encoding.UTF8.GetString(Assert.IsType<SafeRead.Ok>(dir.ReadFile("a.json", 1024)).Bytes));
        Assert.Equal(EntryKind.File, dir.Kind("a.json"));
    }

    [Fact]
    public void A_link_to_a_secret_is_refused_and_its_target_never_read()
    {
        File.CreateSymbolicLink(Path.Combine(Agent(), "link.json"), Path.Combine(victim, "secret.json"));
        using var dir = SafeDirectory.Open(Agent());
        Assert.Equal(EntryKind.Symlink, dir.Kind("link.json"));
        Assert.Equal("is a symbolic link", Refusal(dir.ReadFile("link.json", 1024)));
        dir.Delete("link.json");
        Assert.Equal(EntryKind.Missing, dir.Kind("link.json"));
        AssertVictimUntouched();
    }

    [Fact]
    public void A_dangling_link_is_refused_and_nothing_is_created_at_its_target()
    {
        var target = Path.Combine(victim, "planted.json");
        File.CreateSymbolicLink(Path.Combine(Agent(), "d.json"), target);
        using var dir = SafeDirectory.Open(Agent());
        Assert.Equal("is a symbolic link", Refusal(dir.ReadFile("d.json", 1024)));
        var create = Assert.Throws<SafeFsException>(() => dir.CreateFile("d.json", "x"u8, Mode0600));
        Assert.Contains("is a symbolic link", create.Message);
        dir.WriteAtomically("d.json", "host"u8, Mode0600);
        Assert.Equal(EntryKind.File, dir.Kind("d.json"));
        Assert.False(File.Exists(target));
        AssertVictimUntouched();
    }

    [Fact]
    public void A_FIFO_without_a_writer_is_refused_without_blocking()
    {
        MakeFifo(Path.Combine(Agent(), "f.json"));
        using var dir = SafeDirectory.Open(Agent());
        Assert.Equal(EntryKind.Fifo, dir.Kind("f.json"));
        Assert.Equal("is a FIFO", Refusal(NoHang(() => dir.ReadFile("f.json", 1024))));
        var create = NoHang(() => Record.Exception(() => dir.CreateFile("f.json", "x"u8, Mode0600)));
        Assert.Contains("is a FIFO", Assert.IsType<SafeFsException>(create).Message);
        NoHang(() => { dir.WriteAtomically("f.json", "host"u8, Mode0600); return 0; });
        Assert.Equal("host", Encoding.UTF8.GetString(Assert.IsType<SafeRead.Ok>(dir.ReadFile("f.json", 1024)).Bytes));
    }

    [Fact]
    public void A_FIFO_with_a_writer_is_refused_and_nothing_is_read_from_it()
    {
        var path = Path.Combine(Agent(), "f.json");
        MakeFifo(path);
        // The agent's writer end (read-write so that opening does not wait for a reader), with bytes already queued.
        var fd = Syscall.open(path, OpenFlags.O_RDWR | OpenFlags.O_NONBLOCK);
        Assert.True(fd >= 0);
        using var writer = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.ReadWrite, 0);
        var queued = "streaming"u8.ToArray();
        writer.Write(queued);
        using var dir = SafeDirectory.Open(Agent());
        Assert.Equal("is a FIFO", Refusal(NoHang(() => dir.ReadFile("f.json", 1024))));
        var back = new byte[64];
        Assert.Equal(queued.Length, writer.Read(back)); // still all there: the host consumed none
    }

    [Fact]
    public void A_socket_is_refused()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(Agent(), "s.json")));
        using var dir = SafeDirectory.Open(Agent());
        Assert.Equal(EntryKind.Socket, dir.Kind("s.json"));
        Assert.Equal("is a socket", Refusal(NoHang(() => dir.ReadFile("s.json", 1024))));
        dir.Delete("s.json");
        Assert.Equal(EntryKind.Missing, dir.Kind("s.json"));
    }

    [Fact]
    public void A_hard_link_to_another_file_is_refused()
    {
        Assert.Equal(0, Syscall.link(Path.Combine(victim, "secret.json"), Path.Combine(Agent(), "h.json")));
        using var dir = SafeDirectory.Open(Agent());
        Assert.Equal("has 2 hard links", Refusal(dir.ReadFile("h.json", 1024)));
        dir.Delete("h.json");
        AssertVictimUntouched();
    }

    [Fact]
    public void A_directory_where_a_file_is_expected_is_refused_and_replaced_only_on_request()
    {
        Directory.CreateDirectory(Path.Combine(Agent(), "x.json", "inner"));
        using var dir = SafeDirectory.Open(Agent());
        Assert.Equal("is a directory", Refusal(dir.ReadFile("x.json", 1024)));
        Assert.Throws<SafeFsException>(() => dir.CreateFile("x.json", "x"u8, Mode0600));
        dir.WriteAtomically("x.json", "host"u8, Mode0600);
        Assert.Equal(EntryKind.File, dir.Kind("x.json"));
    }

    [Fact]
    public void A_file_over_the_limit_is_refused_with_its_size()
    {
        File.WriteAllBytes(Path.Combine(Agent(), "big.json"), new byte[2_000_000]);
        using var dir = SafeDirectory.Open(Agent());
        Assert.Equal("is 2000000 bytes; the limit is 1048576", Refusal(dir.ReadFile("big.json", 1 << 20)));
        Assert.IsType<SafeRead.Ok>(dir.ReadFile("big.json", 2_000_000));
    }

    [Fact]
    public void A_file_that_grows_past_the_limit_while_being_read_is_refused()
    {
        var path = Path.Combine(Agent(), "g.json");
        File.WriteAllText(path, "{}");
        using var dir = SafeDirectory.Open(Agent());
        dir.BeforeReadForTests = _ =>
        {
            using var append = new FileStream(path, FileMode.Append);
            append.Write(new byte[2 << 20]);
        };
        Assert.Equal("grew past the limit of 1048576 bytes while being read", Refusal(dir.ReadFile("g.json", 1 << 20)));
    }

    [Fact]
    public void A_file_whose_size_lies_is_read_only_up_to_the_limit()
    {
        // /proc files report size 0 and then produce bytes: the same shape as a file that grows while read.
        using var proc = SafeDirectory.Open($"/proc/{Environment.ProcessId}"); // not /proc/self: that is a link, and Open never follows one
        Assert.Equal("grew past the limit of 16 bytes while being read", Refusal(proc.ReadFile("status", 16)));
        Assert.Contains("Name:", Encoding.UTF8.GetString(Assert.IsType<SafeRead.Ok>(proc.ReadFile("status", 1 << 20)).Bytes));
    }

    [Fact]
    public void Operations_land_in_the_opened_directory_after_it_is_swapped_for_a_link()
    {
        var agent = Agent();
        File.WriteAllText(Path.Combine(agent, "secret.json"), "agent's own");
        File.WriteAllText(Path.Combine(agent, "mine.json"), "agent's own");
        using var dir = SafeDirectory.Open(agent);
        using var errors = SafeDirectory.OpenOrCreate(Path.Combine(root, "errors"));
        Directory.Move(agent, agent + "-moved");
        Directory.CreateSymbolicLink(agent, victim);

        Assert.Equal(["mine.json", "secret.json"], dir.List().Order());
        Assert.Equal("agent's own", Encoding.UTF8.GetString(Assert.IsType<SafeRead.Ok>(dir.ReadFile("secret.json", 1024)).Bytes));
        dir.Delete("secret.json");
        dir.CreateFile("new.json", "x"u8, Mode0600);
        dir.WriteAtomically("atomic.json", "x"u8, Mode0600);
        dir.Rename("mine.json", errors, "agent-mine.json");
        using (var sub = dir.OpenOrCreateChild("sub")) sub.CreateFile("deep.json", "x"u8, Mode0600);

        AssertVictimUntouched();
        Assert.Equal(["atomic.json", "new.json", "sub"], Directory.GetFileSystemEntries(agent + "-moved").Select(Path.GetFileName).Order());
        Assert.True(File.Exists(Path.Combine(root, "errors", "agent-mine.json")));
    }

    [Fact]
    public void Link_loops_are_never_followed()
    {
        var agent = Agent();
        File.CreateSymbolicLink(Path.Combine(agent, "self"), "self");
        File.CreateSymbolicLink(Path.Combine(agent, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(agent, "b"), "a");
        Directory.CreateSymbolicLink(Path.Combine(agent, "up"), ".");
        using var dir = SafeDirectory.Open(agent);
        Assert.Equal(["a", "b", "self", "up"], dir.List().Order());
        foreach (var name in new[] { "self", "a", "up" })
        {
            Assert.Equal(EntryKind.Symlink, dir.Kind(name));
            Assert.Equal("is a symbolic link", Refusal(NoHang(() => dir.ReadFile(name, 1024))));
        }
        var open = Assert.Throws<SafeFsException>(() => dir.OpenChild("self"));
        Assert.Contains("is a symbolic link", open.Message);
        Assert.Equal(EntryKind.Missing, dir.Kind("self"));
        using (dir.OpenOrCreateChild("a")) Assert.Equal(EntryKind.Directory, dir.Kind("a"));
        dir.Delete("b");
        dir.Delete("up");
        Assert.Equal(["a"], dir.List());
    }

    [Fact]
    public void Deleting_a_tree_removes_links_and_special_files_but_never_what_they_point_to()
    {
        var tree = Path.Combine(Agent(), "tree");
        Directory.CreateDirectory(Path.Combine(tree, "a", "b"));
        Directory.CreateSymbolicLink(Path.Combine(tree, "to-victim"), victim);
        File.CreateSymbolicLink(Path.Combine(tree, "a", "secret.json"), Path.Combine(victim, "secret.json"));
        Directory.CreateSymbolicLink(Path.Combine(tree, "a", "b", "loop"), "..");
        MakeFifo(Path.Combine(tree, "a", "b", "fifo"));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(tree, "a", "sock")));
        File.WriteAllText(Path.Combine(tree, "a", "b", "file"), "x");
        using var dir = SafeDirectory.Open(Agent());
        NoHang(() => { dir.Delete("tree"); return 0; });
        Assert.Equal(EntryKind.Missing, dir.Kind("tree"));
        AssertVictimUntouched();
    }

    [Fact]
    public void A_very_deep_tree_is_deleted_with_a_bounded_number_of_open_directories()
    {
        var path = Path.Combine(Agent(), "deep");
        using (var top = SafeDirectory.OpenOrCreate(path))
        {
            // Built through handles: the path would pass PATH_MAX long before the bottom.
            var current = top.OpenOrCreateChild("d");
            for (var i = 0; i < 2000; i++)
            {
                var next = current.OpenOrCreateChild("d");
                current.Dispose();
                current = next;
            }
            current.CreateFile("bottom", "x"u8, Mode0600);
            current.Dispose();
        }
        using var dir = SafeDirectory.Open(Agent());
        dir.Delete("deep");
        Assert.Equal(EntryKind.Missing, dir.Kind("deep"));
    }

    [Fact]
    public void Open_refuses_a_link_at_the_last_component_and_OpenOrCreate_replaces_it()
    {
        var linked = Path.Combine(root, "linked");
        Directory.CreateSymbolicLink(linked, victim);
        Assert.Throws<SafeFsException>(() => SafeDirectory.Open(linked));
        Assert.Throws<SafeFsException>(() => SafeDirectory.Open(linked + "/"));
        using (var dir = SafeDirectory.OpenOrCreate(linked))
            dir.CreateFile("secret.json", "host"u8, Mode0600);
        Assert.Null(new DirectoryInfo(linked).LinkTarget);
        AssertVictimUntouched();
    }

    [Fact]
    public void OpenOrCreateChild_replaces_a_link_FIFO_or_file_with_a_directory_of_the_given_mode()
    {
        var agent = Agent();
        Directory.CreateSymbolicLink(Path.Combine(agent, "input"), victim);
        MakeFifo(Path.Combine(agent, "fifo"));
        File.WriteAllText(Path.Combine(agent, "file"), "x");
        using var dir = SafeDirectory.Open(agent);
        foreach (var name in new[] { "input", "fifo", "file" })
        {
            using var child = NoHang(() => dir.OpenOrCreateChild(name, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
            child.WriteAtomically("_close", ""u8, Mode0600);
            Assert.Equal(EntryKind.Directory, dir.Kind(name));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(agent, name)));
        }
        AssertVictimUntouched();
    }

    [Fact]
    public void Created_files_have_exactly_the_requested_mode()
    {
        using var dir = SafeDirectory.Open(Agent());
        dir.CreateFile("a", "x"u8, Mode0600);
        dir.WriteAtomically("b", "x"u8, Mode0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.Equal(Mode0600, File.GetUnixFileMode(Path.Combine(Agent(), "a")));
        Assert.Equal(Mode0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(Path.Combine(Agent(), "b")));
        Assert.Equal(["a", "b"], dir.List().Order()); // no temporary left behind
    }

    [Fact]
    public void ChangeOwner_changes_a_link_itself_never_its_target()
    {
        var secret = Path.Combine(victim, "secret.json");
        File.CreateSymbolicLink(Path.Combine(Agent(), "l"), secret);
        Assert.Equal(0, Syscall.stat(secret, out var before));
        using var dir = SafeDirectory.Open(Agent());
        var changed = Record.Exception(() => dir.ChangeOwner("l", 4321, 4321));
        Assert.Equal(0, Syscall.stat(secret, out var after));
        Assert.Equal((before.st_uid, before.st_gid), (after.st_uid, after.st_gid));
        if (changed is null)
        {
            Assert.Equal(0, Syscall.lstat(Path.Combine(Agent(), "l"), out var link));
            Assert.Equal((4321u, 4321u), (link.st_uid, link.st_gid));
        }
        else Assert.IsType<SafeFsException>(changed); // not root: EPERM, and still nothing followed
    }

    [Fact]
    public void Names_that_are_not_a_single_component_are_rejected()
    {
        using var dir = SafeDirectory.Open(Agent());
        foreach (var name in new[] { "", ".", "..", "../victim", "a/b" })
            Assert.Throws<ArgumentException>(() => dir.ReadFile(name, 10));
    }

    public void Dispose()
    {
        try { Directory.Delete(root, true); }
        catch (IOException) { }
    }
}
