using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using NanoClaw.Core.Containers;
using NanoClaw.Shell.Containers;
using static NanoClaw.Tests.Shell.Containers.ContainerTestData;

namespace NanoClaw.Tests.Shell.Containers;

/// <summary>
/// An agent owns its writable mounts (group folder, session store, IPC directory) and may leave anything there
/// between runs: links and FIFOs at every name the host ever wrote (security review F1, F4). The host's calls
/// (prepare + start, input, close, run log) must leave every file outside those directories unchanged and never
/// block. Real files, real links and FIFOs, and a fake runtime standing in for the container CLI.
/// </summary>
[Trait("Category", "Sandbox")]
public sealed class AgentDirectoryAttackTests : IDisposable
{
    private static readonly TimeSpan NoBlock = TimeSpan.FromSeconds(20);
    private readonly TempProject project = new();
    private readonly ListSink sink = new();
    private readonly FakeRuntime fake = new(run: "exit 0");
    private readonly List<string> fifos = [];
    private readonly string victims;

    public AgentDirectoryAttackTests()
    {
        victims = Path.Combine(project.Outside, "victims");
        Directory.CreateDirectory(victims);
    }

    public void Dispose()
    {
        foreach (var fifo in fifos) Unblock(fifo);
        fake.Dispose();
        project.Dispose();
    }

    private FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    private ContainerRunner Runner() =>
        new(new ContainerRuntime(ContainerCli.Podman, fake.Executable, sink.Logger(), TimeProvider.System), project.Options(), s => s, sink.Logger(), Clock);

    private string Ipc(string folder) => Path.Combine(project.Data, "ipc", folder);
    private string Claude(string folder) => Path.Combine(project.Data, "sessions", folder, ".claude");
    private string GroupDir(string folder) => Path.Combine(project.Groups, folder);

    /// <summary>A victim file outside every group directory, with content that must survive.</summary>
    private string Victim(string name)
    {
        var path = Path.Combine(victims, name);
        File.WriteAllText(path, "victim " + name);
        return path;
    }

    private void AssertVictimsUnchanged(params string[] names)
    {
        foreach (var name in names) Assert.Equal("victim " + name, File.ReadAllText(Path.Combine(victims, name)));
        Assert.Equal(names.Order(StringComparer.Ordinal), Directory.GetFileSystemEntries(victims).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static void Link(string at, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(at)!);
        File.CreateSymbolicLink(at, target);
    }

    private void Fifo(string at)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(at)!);
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [at]) { RedirectStandardError = true })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        fifos.Add(at);
    }

    /// <summary>Lets a call the old code blocked in <c>open(fifo, O_WRONLY)</c> go (a reader appears), so the test run ends.</summary>
    private static void Unblock(string fifo)
    {
        try
        {
            if (new FileInfo(fifo).Exists || File.Exists(fifo))
            {
                using var f = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Runs a host call with a time limit: a call stuck on the agent's file system fails the test instead of hanging it.</summary>
    private static async Task<T> Within<T>(Func<T> call, string what)
    {
        var task = Task.Run(call);
        try
        {
            return await task.WaitAsync(NoBlock);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"{what} blocked for {NoBlock.TotalSeconds:0}s on something the agent planted");
        }
    }

    private async Task RunOnce(ContainerRunner runner, string folder)
    {
        var started = await Within(() => runner.Start(Request(Group(folder), "hello")), "Start");
        // The host may refuse a run whose directories were tampered with; it must not follow what was planted.
        await started.Match(async run => { await Collect(run, NoBlock); }, _ => Task.CompletedTask);
    }

    /// <summary>Runs once so every agent directory exists, as after an earlier run the agent had control of.</summary>
    private async Task<ContainerRunner> AfterFirstRun(string folder)
    {
        var runner = Runner();
        await RunOnce(runner, folder);
        return runner;
    }

    [Fact]
    public async Task Links_at_the_old_snapshot_temp_names_do_not_redirect_the_snapshots()
    {
        var runner = await AfterFirstRun("fam");
        Link(Path.Combine(Ipc("fam"), "current_tasks.json.tmp"), Victim("bashrc"));
        Link(Path.Combine(Ipc("fam"), "available_groups.json.tmp"), Victim("allowlist.json"));
        Link(Path.Combine(Ipc("fam"), "current_tasks.json"), Victim("tasks-target"));

        await RunOnce(runner, "fam");

        AssertVictimsUnchanged("bashrc", "allowlist.json", "tasks-target");
    }

    [Fact]
    public async Task A_fifo_at_a_snapshot_temp_name_does_not_block_the_start()
    {
        var runner = await AfterFirstRun("fifo");
        Fifo(Path.Combine(Ipc("fifo"), "current_tasks.json.tmp"));
        Fifo(Path.Combine(Ipc("fifo"), "available_groups.json.tmp"));

        await RunOnce(runner, "fifo");
    }

    [Fact]
    public async Task An_input_directory_replaced_by_a_link_is_neither_emptied_nor_written_through()
    {
        var runner = await AfterFirstRun("inp");
        var input = Path.Combine(Ipc("inp"), "input");
        Directory.Delete(input, recursive: true);
        Victim("keep.json");
        Victim("_close");
        Link(input, victims);

        await RunOnce(runner, "inp");
        AssertVictimsUnchanged("keep.json", "_close");

        // Between runs the agent swaps it again; follow-up input and the close sentinel must not land in the victim directory.
        if (Directory.Exists(input) && new DirectoryInfo(input).LinkTarget is null) Directory.Delete(input, recursive: true);
        else File.Delete(input);
        Link(input, victims);
        await Within(() => { try { runner.WriteInput("inp", "follow-up"); } catch (IOException) { } return 0; }, "WriteInput");
        await Within(() => { try { runner.WriteCloseSentinel("inp"); } catch (IOException) { } return 0; }, "WriteCloseSentinel");
        AssertVictimsUnchanged("keep.json", "_close");
    }

    [Fact]
    public async Task A_link_or_fifo_at_the_close_temp_name_is_never_followed_and_never_blocks()
    {
        var runner = await AfterFirstRun("cls");
        var input = Path.Combine(Ipc("cls"), "input");
        Link(Path.Combine(input, "_close.tmp"), Victim("ssh-key"));
        await Within(() => { try { runner.WriteCloseSentinel("cls"); } catch (IOException) { } return 0; }, "WriteCloseSentinel");
        AssertVictimsUnchanged("ssh-key");

        File.Delete(Path.Combine(input, "_close.tmp"));
        File.Delete(Path.Combine(input, "_close"));
        Fifo(Path.Combine(input, "_close.tmp"));
        await Within(() => { try { runner.WriteCloseSentinel("cls"); } catch (IOException) { } return 0; }, "WriteCloseSentinel");
        AssertVictimsUnchanged("ssh-key");
    }

    [Fact]
    public async Task Links_in_the_session_store_do_not_make_the_host_write_settings_or_skills_elsewhere()
    {
        var runner = await AfterFirstRun("ses");
        var claude = Claude("ses");
        File.Delete(Path.Combine(claude, "settings.json"));
        Link(Path.Combine(claude, "settings.json.tmp"), Victim("claude-md"));
        if (Directory.Exists(Path.Combine(claude, "skills"))) Directory.Delete(Path.Combine(claude, "skills"), recursive: true);
        Link(Path.Combine(claude, "skills"), victims);

        await RunOnce(runner, "ses");

        AssertVictimsUnchanged("claude-md");
    }

    [Fact]
    public async Task Links_at_the_group_logs_directory_and_the_run_log_name_do_not_receive_the_run_log()
    {
        var runner = await AfterFirstRun("lg");
        var logs = Path.Combine(GroupDir("lg"), "logs");
        if (Directory.Exists(logs)) Directory.Delete(logs, recursive: true);
        Link(logs, victims);
        await RunOnce(runner, "lg");
        AssertVictimsUnchanged();

        // Predictable run-log name in a real logs directory: the next run's log must not go through it.
        File.Delete(logs);
        Directory.CreateDirectory(logs);
        Clock.Advance(TimeSpan.FromSeconds(5));
        Link(Path.Combine(logs, RunLogName(Clock.GetUtcNow())), Victim("auth-creds.json"));
        await RunOnce(runner, "lg");
        AssertVictimsUnchanged("auth-creds.json");
    }

    private static string RunLogName(DateTimeOffset at) =>
        "container-" + at.UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss-fff'Z'", System.Globalization.CultureInfo.InvariantCulture) + ".log";
}
