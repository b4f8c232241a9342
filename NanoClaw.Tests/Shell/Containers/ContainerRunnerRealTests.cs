using System.Diagnostics;
using LanguageExt;
using Microsoft.Extensions.Time.Testing;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Containers;
using NanoClaw.Tests.Support;
using Xunit.Abstractions;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Shell.Containers.ContainerTestData;

namespace NanoClaw.Tests.Shell.Containers;

/// <summary>The runner against real Podman and the test image (NanoClaw.Tests/Fixtures/test-image).</summary>
[Trait("Category", "RealContainer")]
public sealed class ContainerRunnerRealTests : IDisposable
{
    private readonly TempProject project = new();
    private readonly ListSink sink = new();
    private readonly ITestOutputHelper output;

    public ContainerRunnerRealTests(ITestOutputHelper output)
    {
        this.output = output;
        if (Requirements.HasPodman) EnsureTestImage();
    }

    public void Dispose()
    {
        // Runs a failed test left behind (e.g. the 300 s sleepers) end with it.
        TestContainers.RemoveThoseMounting(project.Root);
        project.Dispose();
    }

    private ContainerRunner Runner(TimeProvider? time = null, ContainerRunnerOptions? options = null) =>
        new(new ContainerRuntime(ContainerCli.Podman, "podman", sink.Logger(), TimeProvider.System),
            options ?? project.Options(), s => s, sink.Logger(), time ?? TimeProvider.System);

    private static ContainerRun Started(ContainerRunner runner, ContainerRunRequest request) =>
        runner.Start(request).Match(r => r, e => throw new Xunit.Sdk.XunitException("start refused: " + e));

    [PodmanFact]
    public async Task Input_arrives_on_stdin_and_records_stream_back_before_the_container_exits()
    {
        var runner = Runner();
        var clock = Stopwatch.StartNew();
        var run = Started(runner, Request(Group("streamer"), "echo; session sess-42; sleep 3"));
        var firstRecord = new TaskCompletionSource<(ContainerOutput Record, TimeSpan At, bool ExitedYet)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sessions = new List<string>();
        using var sub = run.Outputs.Subscribe(r =>
        {
            firstRecord.TrySetResult((r, clock.Elapsed, run.Completion.IsCompleted));
            r.NewSessionId.IfSome(s => { lock (sessions) sessions.Add(s); });
        });
        var (first, at, exitedYet) = await firstRecord.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var result = await run.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        var total = clock.Elapsed;
        output.WriteLine($"first record after {at.TotalMilliseconds:0} ms, exit after {total.TotalMilliseconds:0} ms");

        Assert.False(exitedYet);
        Assert.True(total - at >= TimeSpan.FromSeconds(2), $"record at {at}, exit at {total}: the record did not stream early");
        var stdin = ContainerJson.ParseInput(first.Result.IfNone("")).Match(i => i, e => throw new Xunit.Sdk.XunitException(e));
        Assert.Equal("streamer", stdin.GroupFolder);
        Assert.Equal("jid-streamer@g.us", stdin.ChatJid);
        Assert.StartsWith("echo; session", stdin.Prompt);
        Assert.Equal(["sess-42"], sessions);
        Assert.Equal(OutputStatus.Success, result.Status);
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.HadOutput);
        Assert.Single(Directory.GetFiles(project.RunLogs("streamer"), "container-*.log"));
    }

    [PodmanFact]
    public async Task Main_writes_its_own_mounts_but_not_the_project_root()
    {
        File.WriteAllText(Path.Combine(project.Root, "marker.txt"), "project marker");
        var run = Started(Runner(), Request(Group("main", isMain: true),
            "mounts; cat /workspace/project/marker.txt; tryro /workspace/project/probe; write /workspace/group/g.txt; write /workspace/ipc/i.txt; write /home/node/.claude/c.txt; ls /home/node/.claude/skills; cat /workspace/snapshots/available_groups.json; env TZ; tryro /workspace/snapshots/x; tryro /home/node/.claude/skills/x"));
        var (records, result) = await Collect(run);
        var results = records.Select(r => r.Result.IfNone("")).ToList();

        Assert.Equal(OutputStatus.Success, result.Status);
        Assert.Equal(
            "/home/node/.claude rw\n/home/node/.claude/skills ro\n/workspace/group rw\n/workspace/ipc rw\n/workspace/media ro\n/workspace/project ro\n/workspace/project/data ro\n/workspace/snapshots ro",
            results[0]);
        Assert.Equal("project marker", results[1]);
        Assert.Equal("READONLY /workspace/project/probe", results[2]);
        Assert.Equal("wrote /workspace/group/g.txt", results[3]);
        Assert.Equal("wrote /workspace/ipc/i.txt", results[4]);
        Assert.Equal("wrote /home/node/.claude/c.txt", results[5]);
        Assert.Equal("demo-skill", results[6]);
        Assert.Contains("\"groups\"", results[7]);
        Assert.Equal("Europe/Berlin", results[8]);
        Assert.Equal("READONLY /workspace/snapshots/x", results[9]);
        Assert.Equal("READONLY /home/node/.claude/skills/x", results[10]);
        Assert.False(File.Exists(Path.Combine(project.Root, "probe")));
        Assert.True(File.Exists(Path.Combine(project.Groups, "main", "g.txt")));
        Assert.True(File.Exists(Path.Combine(project.Data, "ipc", "main", "i.txt")));
        Assert.True(File.Exists(Path.Combine(project.Data, "sessions", "main", ".claude", "c.txt")));
        foreach (var sub in new[] { "messages", "tasks", "input" }) Assert.True(Directory.Exists(Path.Combine(project.Data, "ipc", "main", sub)));
        Assert.True(File.Exists(Path.Combine(project.Data, "snapshots", "main", "current_tasks.json")));
        Assert.True(File.Exists(Path.Combine(project.Data, "snapshots", "main", "available_groups.json")));
        Assert.False(File.Exists(Path.Combine(project.Data, "ipc", "main", "current_tasks.json")));
    }

    [PodmanFact]
    public async Task Main_sees_the_project_but_no_credentials_store_data_logs_or_socket()
    {
        File.WriteAllText(Path.Combine(project.Root, "marker.txt"), "project marker");
        File.WriteAllText(Path.Combine(project.Root, "credentials.yml"), "anthropic_api_key: sk-ant-CREDENTIALS-FILE\n");
        Directory.CreateDirectory(Path.Combine(project.Root, "store", "auth"));
        File.WriteAllText(Path.Combine(project.Root, "store", "messages.db"), "SQLite format 3 STORE-SECRET");
        File.WriteAllText(Path.Combine(project.Root, "store", "auth", "creds.json"), "{\"noiseKey\":\"WHATSAPP-SECRET\"}");
        Directory.CreateDirectory(Path.Combine(project.Root, "logs", "runs", "other"));
        File.WriteAllText(Path.Combine(project.Root, "logs", "nanoclaw.log"), "LOG-SECRET");
        Directory.CreateDirectory(Path.Combine(project.Data, "sessions", "other", ".claude"));
        File.WriteAllText(Path.Combine(project.Data, "sessions", "other", ".claude", "transcript.jsonl"), "TRANSCRIPT-SECRET");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(project.Data, "chat.sock")));

        var run = Started(Runner(), Request(Group("main", isMain: true),
            "cat /workspace/project/marker.txt; cat /workspace/project/credentials.yml; ls /workspace/project/store; cat /workspace/project/store/messages.db; " +
            "ls /workspace/project/data; ls /workspace/project/logs; cat /workspace/project/store/auth/creds.json; " +
            "cat /workspace/project/data/sessions/other/.claude/transcript.jsonl; ls /workspace/project/data/chat.sock; tryro /workspace/project/store/x"));
        var (records, result) = await Collect(run);
        var results = records.Select(r => r.Result.IfNone("")).ToList();
        output.WriteLine(string.Join("\n---\n", results));

        Assert.Equal(OutputStatus.Success, result.Status);
        Assert.Equal("project marker", results[0]);
        Assert.Equal("missing /workspace/project/credentials.yml", results[1]); // /dev/null: not a regular file, no content
        Assert.Equal("", results[2]);
        Assert.Equal("missing /workspace/project/store/messages.db", results[3]);
        Assert.Equal("", results[4]);
        Assert.Equal("", results[5]);
        Assert.Equal("missing /workspace/project/store/auth/creds.json", results[6]);
        Assert.Equal("missing /workspace/project/data/sessions/other/.claude/transcript.jsonl", results[7]);
        Assert.Equal("missing /workspace/project/data/chat.sock", results[8]);
        Assert.Equal("READONLY /workspace/project/store/x", results[9]);
        foreach (var secret in new[] { "sk-ant-CREDENTIALS-FILE", "STORE-SECRET", "WHATSAPP-SECRET", "LOG-SECRET", "TRANSCRIPT-SECRET" })
            Assert.DoesNotContain(secret, string.Join("\n", results));
        Assert.DoesNotContain(run.Mounts, m => m.HostPath.StartsWith(Path.Combine(project.Root, "store"), StringComparison.Ordinal)
            || m.HostPath.StartsWith(Path.Combine(project.Root, "logs"), StringComparison.Ordinal)
            || m.HostPath == Path.Combine(project.Root, "credentials.yml"));
    }

    [PodmanFact]
    public async Task A_non_main_group_sees_global_and_extras_with_their_modes_but_not_the_project_or_other_groups()
    {
        Directory.CreateDirectory(Path.Combine(project.Groups, "global"));
        File.WriteAllText(Path.Combine(project.Groups, "global", "CLAUDE.md"), "global memory");
        Directory.CreateDirectory(Path.Combine(project.Groups, "other"));
        File.WriteAllText(Path.Combine(project.Groups, "other", "secret.txt"), "other group's file");
        var allowed = Path.Combine(project.Outside, "allowed");
        Directory.CreateDirectory(Path.Combine(allowed, "docs"));
        Directory.CreateDirectory(Path.Combine(allowed, "scratch"));
        File.WriteAllText(project.AllowlistPath, $$"""{"allowedRoots":[{"path":"{{allowed}}","allowReadWrite":true}],"nonMainReadOnly":false}""");
        var config = new ContainerConfig(Seq(
            new AdditionalMount(Path.Combine(allowed, "docs"), None, ReadOnly: true),
            new AdditionalMount(Path.Combine(allowed, "scratch"), Some("work"), ReadOnly: false)), None);

        var run = Started(Runner(), Request(Group("family", config: Some(config)),
            "mounts; ls /workspace/project; ls /workspace/group; cat /workspace/global/CLAUDE.md; tryro /workspace/global/x; tryro /workspace/extra/docs/x; write /workspace/extra/work/y; ls /workspace"));
        var (records, result) = await Collect(run);
        var results = records.Select(r => r.Result.IfNone("")).ToList();

        Assert.Equal(OutputStatus.Success, result.Status);
        Assert.Equal(
            "/home/node/.claude rw\n/home/node/.claude/skills ro\n/workspace/extra/docs ro\n/workspace/extra/work rw\n/workspace/global ro\n/workspace/group rw\n/workspace/ipc rw\n/workspace/media ro\n/workspace/snapshots ro",
            results[0]);
        Assert.Equal("missing /workspace/project", results[1]);
        Assert.DoesNotContain("secret.txt", results[2]);
        Assert.Equal("global memory", results[3]);
        Assert.Equal("READONLY /workspace/global/x", results[4]);
        Assert.Equal("READONLY /workspace/extra/docs/x", results[5]);
        Assert.Equal("wrote /workspace/extra/work/y", results[6]);
        Assert.True(File.Exists(Path.Combine(allowed, "scratch", "y")));
        Assert.DoesNotContain("project", results[7]);
        Assert.Equal("[]", File.ReadAllText(Path.Combine(project.Data, "snapshots", "family", "current_tasks.json")).Trim());
    }

    [PodmanFact]
    public async Task A_symlink_from_an_allowed_root_into_ssh_is_refused_and_logged()
    {
        var allowed = Path.Combine(project.Outside, "allowed");
        var fakeSsh = Path.Combine(project.Outside, "home", ".ssh");
        Directory.CreateDirectory(allowed);
        Directory.CreateDirectory(fakeSsh);
        File.WriteAllText(Path.Combine(fakeSsh, "id_ed25519"), "PRIVATE KEY");
        File.CreateSymbolicLink(Path.Combine(allowed, "keys"), fakeSsh);
        File.WriteAllText(project.AllowlistPath, $$"""{"allowedRoots":[{"path":"{{allowed}}","allowReadWrite":true}]}""");
        var config = new ContainerConfig(Seq1(new AdditionalMount(Path.Combine(allowed, "keys"), None, ReadOnly: true)), None);

        var run = Started(Runner(), Request(Group("sneaky", config: Some(config)), "ls /workspace/extra; mounts"));
        var (records, _) = await Collect(run);

        Assert.Equal("", records[0].Result.IfNone("?"));
        Assert.DoesNotContain("/workspace/extra", records[1].Result.IfNone(""));
        Assert.DoesNotContain(run.Mounts, m => m.ContainerPath.StartsWith("/workspace/extra"));
        Assert.Contains(sink.Messages, m => m.Contains("refused") && m.Contains(fakeSsh) && m.Contains("blocked pattern") && m.Contains(".ssh"));
    }

    [PodmanFact]
    public async Task A_container_that_hangs_after_output_is_stopped_at_the_hard_timeout_and_counts_as_success()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var run = Started(Runner(time), Request(Group("idler"), "echo; sleep 2; echo; sleep 300"));
        var count = 0;
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = run.Outputs.Subscribe(_ =>
        {
            var n = Interlocked.Increment(ref count);
            if (n == 1) first.TrySetResult();
            if (n == 2) second.TrySetResult();
        });
        // Hard timeout here is max(1 s, idle 1 s + 30 s) = 31 s of (fake) time since the last record.
        await first.Task.WaitAsync(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(20));
        await second.Task.WaitAsync(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(20)); // 40 s since start, 20 s since the last record: no timeout yet
        await Task.Delay(500);
        Assert.False(run.Completion.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(12));
        var result = await run.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.TimedOut);
        Assert.True(result.HadOutput);
        Assert.Equal(OutputStatus.Success, result.Status);
        Assert.Contains(sink.Messages, m => m.Contains("hard timeout"));
    }

    [PodmanFact]
    public async Task A_container_that_hangs_without_output_is_stopped_at_the_hard_timeout_as_an_error()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var run = Started(Runner(time), Request(Group("silent"), "sleep 300"));
        await WaitUntilRunning(run.Name);
        time.Advance(TimeSpan.FromSeconds(31));
        var result = await run.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.TimedOut);
        Assert.False(result.HadOutput);
        Assert.Equal(OutputStatus.Error, result.Status);
        Assert.Contains("timed out", result.Error.IfNone(""));
        Assert.Equal("", Podman("ps", "--filter", $"name={run.Name}", "--format", "{{.Names}}").Out.Trim());
        var log = File.ReadAllText(Directory.GetFiles(project.RunLogs("silent")).Single());
        Assert.Contains("Timed out: True", log);
        Assert.Contains("=== Input ===", log); // errors keep the full input
    }

    [PodmanFact]
    public async Task An_orphan_nanoclaw_container_from_a_previous_run_is_found_and_stopped()
    {
        var orphan = $"nanoclaw-orphantest-{Environment.ProcessId}-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
        var (exit, _) = Podman("run", "-d", "--rm", "--name", orphan, "--entrypoint", "sleep", "localhost/nanoclaw-test:latest", "300");
        Assert.Equal(0, exit);
        try
        {
            var runtime = new ContainerRuntime(ContainerCli.Podman, "podman", sink.Logger(), TimeProvider.System);

            Assert.True(await runtime.EnsureRunningAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains(orphan, await runtime.ListOrphansAsync());
            // Only this test's orphan: other suites on the same machine may have live nanoclaw-* containers.
            var stopped = await runtime.StopOrphansAsync(TimeSpan.FromSeconds(1), only: n => n == orphan);

            Assert.Equal([orphan], stopped.ToArray());
            Assert.Equal("", Podman("ps", "--filter", $"name={orphan}", "--format", "{{.Names}}").Out.Trim());
        }
        finally
        {
            Podman("rm", "-f", "--ignore", "-t", "0", orphan); // a failed assertion must not leave the sleeper behind
        }
    }

    private static async Task WaitUntilRunning(string name)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (Podman("ps", "--filter", $"name={name}", "--format", "{{.Names}}").Out.Contains(name)) return;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"{name} never started");
    }
}
