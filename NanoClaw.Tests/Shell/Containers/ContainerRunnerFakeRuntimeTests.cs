using LanguageExt;
using Microsoft.Extensions.Time.Testing;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Containers;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Shell.Containers.ContainerTestData;

namespace NanoClaw.Tests.Shell.Containers;

/// <summary>Runner and runtime paths that need no real container, driven through a fake runtime executable.</summary>
public sealed class ContainerRunnerFakeRuntimeTests : IDisposable
{
    private const string OneRecord = "printf '%s\\n' '---NANOCLAW_OUTPUT_START---' '{\"status\":\"success\",\"result\":\"hi\"}' '---NANOCLAW_OUTPUT_END---'";
    private readonly TempProject project = new();
    private readonly ListSink sink = new();

    public void Dispose() => project.Dispose();

    private ContainerRunner Runner(FakeRuntime fake, ContainerCli cli, ContainerRunnerOptions? options = null, Func<string, string>? redact = null, TimeProvider? time = null) =>
        new(new ContainerRuntime(cli, fake.Executable, sink.Logger(), TimeProvider.System), options ?? project.Options(), redact ?? (s => s),
            sink.Logger(), time ?? TimeProvider.System);

    private static ContainerRun Started(ContainerRunner runner, ContainerRunRequest request) =>
        runner.Start(request).Match(r => r, e => throw new Xunit.Sdk.XunitException("start refused: " + e));

    [Theory]
    [InlineData(ContainerCli.Apple, 0)]
    [InlineData(ContainerCli.Docker, 1000)]
    [InlineData(ContainerCli.Podman, 501)]
    public async Task Each_runtime_gets_its_run_arguments_and_the_input_on_stdin(ContainerCli cli, int uid)
    {
        using var fake = new FakeRuntime(run: OneRecord);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var runner = Runner(fake, cli, project.Options(uid: uid), time: time);
        var request = Request(Group("main", isMain: true), "hello");
        var (records, result) = await Collect(Started(runner, request));

        var p = project;
        string Ro(string host, string target) => cli == ContainerCli.Apple
            ? $"--mount type=bind,source={host},target={target},readonly"
            : $"-v {host}:{target}:ro";
        // A non-root daemon with Podman is rootless Podman: keep-id maps its uid to itself inside (rootless branch).
        var user = uid == 501 ? " --userns=keep-id --user 501:501 -e HOME=/home/node" : "";
        // data/ lies inside the project: main's view of it is an empty read-only directory.
        Assert.Equal(
            $"run -i --rm --name nanoclaw-main-1700000000000 {Ro(p.Root, "/workspace/project")} {Ro(p.Data + "/empty", "/workspace/project/data")} " +
            $"-v {p.Groups}/main:/workspace/group -v {p.Data}/sessions/main/.claude:/home/node/.claude {Ro(p.Root + "/container/skills", "/home/node/.claude/skills")} " +
            $"-v {p.Data}/ipc/main:/workspace/ipc {Ro(p.Data + "/snapshots/main", "/workspace/snapshots")} {Ro(p.Data + "/media/main", "/workspace/media")} -e TZ=Europe/Berlin{user} localhost/nanoclaw-test:latest",
            Assert.Single(fake.Calls));
        // The runner adds the host's timeouts (issue 20) to what the caller asked for.
        var expectedInput = request.Input with { IdleTimeoutMs = p.Options().IdleTimeoutMs, MaxRunMs = p.Options().MaxRunMs };
        Assert.Equal(ContainerJson.Serialize(expectedInput), fake.Stdin);
        Assert.Equal("hi", Assert.Single(records).Result.IfNone(""));
        Assert.Equal(OutputStatus.Success, result.Status);
    }

    [Fact]
    public async Task A_root_daemon_runs_the_container_as_the_dedicated_agent_uid()
    {
        using var fake = new FakeRuntime(run: OneRecord);
        var options = project.Options(uid: 0) with { AgentOwner = (59999, 59999) };
        await Collect(Started(Runner(fake, ContainerCli.Podman, options), Request(Group("fam"), "hello")));

        Assert.Contains(" --user 59999:59999 -e HOME=/home/node ", Assert.Single(fake.Calls));
    }

    [Fact]
    public async Task Apple_service_is_started_when_its_status_fails()
    {
        using var fake = new FakeRuntime(system: "if [ \"$2\" = start ]; then touch \"$D/up\"; exit 0; fi; [ -f \"$D/up\" ]");
        var runtime = new ContainerRuntime(ContainerCli.Apple, fake.Executable, sink.Logger(), TimeProvider.System);

        Assert.True(await runtime.EnsureRunningAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["system status", "system start", "system status"], fake.Calls);
    }

    [Fact]
    public async Task A_runtime_that_never_answers_is_retried_with_backoff_and_given_up_on_without_throwing()
    {
        using var fake = new FakeRuntime(info: "echo 'Cannot connect to the daemon' >&2; exit 1");
        var runtime = new ContainerRuntime(ContainerCli.Docker, fake.Executable, sink.Logger(), TimeProvider.System);

        var up = await runtime.EnsureRunningAsync(TimeSpan.FromSeconds(2), firstDelay: TimeSpan.FromMilliseconds(100));

        Assert.False(up);
        Assert.True(fake.Calls.Length >= 3, $"only {fake.Calls.Length} attempts");
        Assert.All(fake.Calls, c => Assert.Equal("info", c));
        Assert.Contains(sink.Messages, m => m.Contains("not ready") && m.Contains("Cannot connect to the daemon"));
        Assert.Contains(sink.Messages, m => m.Contains("did not come up"));
    }

    [Fact]
    public async Task Auto_picks_the_first_runtime_that_answers()
    {
        using var down = new FakeRuntime(info: "exit 1", system: "exit 1");
        using var up = new FakeRuntime();
        var chosen = await ContainerRuntime.DetectAsync(NanoClaw.Core.Config.ContainerRuntimeKind.Auto, sink.Logger(), TimeProvider.System,
            cli => cli == ContainerCli.Podman ? up.Executable : down.Executable);
        Assert.Equal(Some(ContainerCli.Podman), chosen.Map(r => r.Cli));
    }

    [Fact]
    public async Task Orphans_are_stopped_gracefully_and_killed_when_the_stop_fails()
    {
        using var fake = new FakeRuntime(
            list: "printf 'nanoclaw-a-1\\nnanoclaw-b-2\\n'",
            stop: "[ \"$4\" = nanoclaw-b-2 ] && exit 1; exit 0");
        var runtime = new ContainerRuntime(ContainerCli.Docker, fake.Executable, sink.Logger(), TimeProvider.System);

        var stopped = await runtime.StopOrphansAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(Seq("nanoclaw-a-1", "nanoclaw-b-2"), stopped);
        Assert.Equal(
            ["ps --filter name=nanoclaw- --format {{.Names}}", "stop -t 3 nanoclaw-a-1", "stop -t 3 nanoclaw-b-2", "kill nanoclaw-b-2"],
            fake.Calls);
    }

    [Fact]
    public async Task Secrets_never_reach_the_run_log_or_the_debug_log()
    {
        // The fake container echoes its stdin (holding the API key) and a second secret the redactor knows.
        using var fake = new FakeRuntime(run: "cat \"$D/stdin.json\"; echo; echo 'token tok-OTHER-999' >&2; echo 'oauth tok-OTHER-999'; exit 3");
        var runner = Runner(fake, ContainerCli.Podman, redact: s => s.Replace("tok-OTHER-999", "[REDACTED]"));
        var request = Request(Group("leaky"), "hello", Map(("ANTHROPIC_API_KEY", "sk-ant-SECRET-123")));

        var (_, result) = await Collect(Started(runner, request));

        Assert.Equal(OutputStatus.Error, result.Status);
        Assert.Equal(Some("container exited with code 3 (last error output: token [REDACTED])"), result.Error);
        var log = File.ReadAllText(Directory.GetFiles(project.RunLogs("leaky")).Single());
        Assert.Contains("=== Stdout ===", log);
        Assert.Contains("=== Input ===", log);
        Assert.Contains("[REDACTED]", log);
        Assert.DoesNotContain("sk-ant-SECRET-123", log);
        Assert.DoesNotContain("tok-OTHER-999", log);
        Assert.DoesNotContain(sink.Messages, m => m.Contains("tok-OTHER-999"));
        Assert.Contains(sink.Messages, m => m.Contains("oauth [REDACTED]"));
        Assert.Equal("sk-ant-SECRET-123", ContainerJson.ParseInput(fake.Stdin).Match(i => i.Secrets["ANTHROPIC_API_KEY"], e => e));
    }

    [Fact]
    public async Task Kept_stdout_and_stderr_are_capped_at_max_output_size()
    {
        using var fake = new FakeRuntime(run: "head -c 200000 /dev/zero | tr '\\0' 'x'; echo; head -c 200000 /dev/zero | tr '\\0' 'y' >&2; exit 1");
        var runner = Runner(fake, ContainerCli.Podman, project.Options(maxOutput: 1000));

        var (_, result) = await Collect(Started(runner, Request(Group("noisy"), "hello")));

        Assert.Equal(1, result.ExitCode);
        var log = File.ReadAllText(Directory.GetFiles(project.RunLogs("noisy")).Single());
        Assert.Contains("Stdout truncated: True", log);
        Assert.Contains("Stderr truncated: True", log);
        // The longest run of each is the kept output (the error reason quotes at most 300 characters of stderr).
        static int Longest(string text, string pattern) => System.Text.RegularExpressions.Regex.Matches(text, pattern).Max(m => m.Length);
        Assert.InRange(Longest(log, "x{100,}"), 900, 1000);
        Assert.InRange(Longest(log, "y{100,}"), 900, 1000);
    }

    [Fact]
    public async Task A_successful_run_logs_only_the_summary_unless_verbose()
    {
        using var fake = new FakeRuntime(run: OneRecord);
        await Collect(Started(Runner(fake, ContainerCli.Podman), Request(Group("quiet"), "hello")));
        var quietFile = Directory.GetFiles(project.RunLogs("quiet")).Single();
        var quiet = File.ReadAllText(quietFile);
        Assert.Contains(sink.Messages, m => m.Contains("finished") && m.Contains(quietFile));
        Assert.False(Directory.Exists(Path.Combine(project.Groups, "quiet", "logs")), "run logs stay out of the agent's folder");
        Assert.Contains("Exit code: 0", quiet);
        Assert.Contains("/workspace/group", quiet);
        Assert.DoesNotContain("=== Input ===", quiet);

        await Collect(Started(Runner(fake, ContainerCli.Podman, project.Options(verbose: true)), Request(Group("chatty"), "hello")));
        var verbose = File.ReadAllText(Directory.GetFiles(project.RunLogs("chatty")).Single());
        Assert.Contains("=== Input ===", verbose);
        Assert.Contains("\"prompt\":\"hello\"", verbose);
    }

    [Fact]
    public async Task A_missing_runtime_program_is_an_error_result_not_an_exception()
    {
        var runner = new ContainerRunner(new ContainerRuntime(ContainerCli.Docker, "/nonexistent/docker", sink.Logger(), TimeProvider.System),
            project.Options(), s => s, sink.Logger(), TimeProvider.System);
        var (_, result) = await Collect(Started(runner, Request(Group("nort"), "hello")));
        Assert.Equal(OutputStatus.Error, result.Status);
        Assert.Contains("cannot start", result.Error.IfNone(""));
    }

    [Fact]
    public void An_invalid_folder_is_refused_before_anything_is_created()
    {
        using var fake = new FakeRuntime();
        var refused = Runner(fake, ContainerCli.Podman).Start(Request(Group("../escape"), "x"));
        Assert.True(refused.IsLeft);
        Assert.Empty(fake.Calls);
        Assert.Empty(Directory.GetFileSystemEntries(project.Groups));
    }
}
