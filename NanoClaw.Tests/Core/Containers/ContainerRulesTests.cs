using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Containers;

public class ContainerRulesTests
{
    private static readonly Seq<VolumeMount> Mounts = Seq(
        new VolumeMount("/p", "/workspace/project", true),
        new VolumeMount("/g/main", "/workspace/group", false));

    private static ContainerRunSpec Spec(int uid) =>
        new("nanoclaw-main-1700000000000", Mounts, "Europe/Berlin", uid, uid + 1, "img:1", Seq1(("ANTHROPIC_BASE_URL", "http://10.0.2.2:3001")));

    [Fact]
    public void Docker_and_podman_run_arguments()
    {
        var expected = "run -i --rm --name nanoclaw-main-1700000000000 -v /p:/workspace/project:ro -v /g/main:/workspace/group -e TZ=Europe/Berlin -e ANTHROPIC_BASE_URL=http://10.0.2.2:3001 img:1";
        Assert.Equal(expected, string.Join(' ', RuntimeCommand.Run(ContainerCli.Docker, Spec(0))));
        Assert.Equal(expected, string.Join(' ', RuntimeCommand.Run(ContainerCli.Podman, Spec(0))));
        Assert.Equal(expected, string.Join(' ', RuntimeCommand.Run(ContainerCli.Docker, Spec(1000))));
    }

    [Fact]
    public void Podman_run_by_a_non_root_user_is_rootless_and_keeps_the_users_id_inside()
    {
        Assert.Equal(
            "run -i --rm --name nanoclaw-main-1700000000000 -v /p:/workspace/project:ro -v /g/main:/workspace/group -e TZ=Europe/Berlin --userns=keep-id -e ANTHROPIC_BASE_URL=http://10.0.2.2:3001 img:1",
            string.Join(' ', RuntimeCommand.Run(ContainerCli.Podman, Spec(1000) with { Rootless = true })));
        Assert.Equal(
            "run -i --rm --name nanoclaw-main-1700000000000 -v /p:/workspace/project:ro -v /g/main:/workspace/group -e TZ=Europe/Berlin --userns=keep-id --user 1001:1002 -e HOME=/home/node -e ANTHROPIC_BASE_URL=http://10.0.2.2:3001 img:1",
            string.Join(' ', RuntimeCommand.Run(ContainerCli.Podman, Spec(1001) with { Rootless = true })));
        // A root daemon runs containers as agent_uid: still rootful Podman, no keep-id.
        Assert.DoesNotContain("--userns=keep-id", RuntimeCommand.Run(ContainerCli.Podman, Spec(59999)));
        Assert.DoesNotContain("--userns=keep-id", RuntimeCommand.Run(ContainerCli.Docker, Spec(1001) with { Rootless = true }));
        Assert.DoesNotContain("--userns=keep-id", RuntimeCommand.Run(ContainerCli.Apple, Spec(501)));
    }

    [Fact]
    public void Apple_uses_mount_syntax_for_read_only_and_other_uids_run_as_the_host_user()
    {
        Assert.Equal(
            "run -i --rm --name nanoclaw-main-1700000000000 --mount type=bind,source=/p,target=/workspace/project,readonly -v /g/main:/workspace/group -e TZ=Europe/Berlin --user 501:502 -e HOME=/home/node -e ANTHROPIC_BASE_URL=http://10.0.2.2:3001 img:1",
            string.Join(' ', RuntimeCommand.Run(ContainerCli.Apple, Spec(501))));
    }

    [Fact]
    public void Service_stop_kill_and_list_arguments()
    {
        Assert.Equal("container", RuntimeCommand.Executable(ContainerCli.Apple));
        Assert.Equal("system status", string.Join(' ', RuntimeCommand.Info(ContainerCli.Apple)));
        Assert.Equal("info", string.Join(' ', RuntimeCommand.Info(ContainerCli.Podman)));
        Assert.Equal("system start", string.Join(' ', RuntimeCommand.StartService(ContainerCli.Apple).IfNone(Seq<string>())));
        Assert.True(RuntimeCommand.StartService(ContainerCli.Docker).IsNone);
        Assert.Equal("stop -t 10 nanoclaw-a-1", string.Join(' ', RuntimeCommand.Stop(ContainerCli.Docker, "nanoclaw-a-1", 10)));
        Assert.Equal("kill nanoclaw-a-1", string.Join(' ', RuntimeCommand.Kill(ContainerCli.Apple, "nanoclaw-a-1")));
        Assert.Equal("ls --format json", string.Join(' ', RuntimeCommand.ListRunning(ContainerCli.Apple)));
        Assert.Equal("ps --filter name=nanoclaw- --format {{.Names}}", string.Join(' ', RuntimeCommand.ListRunning(ContainerCli.Podman)));
        Assert.Equal(Seq(ContainerCli.Apple, ContainerCli.Docker, ContainerCli.Podman), RuntimeCommand.Candidates(ContainerRuntimeKind.Auto));
    }

    [Fact]
    public void Names_round_trip_and_orphans_are_read_from_each_runtimes_listing()
    {
        Assert.Equal("nanoclaw-family-chat-1700000000000", ContainerNaming.Name("family-chat", 1700000000000));
        Assert.Equal(Some(("family-chat", 1700000000000L)), ContainerNaming.Parse("nanoclaw-family-chat-1700000000000"));
        Assert.True(ContainerNaming.Parse("other-x-1").IsNone);
        Assert.True(ContainerNaming.Parse("nanoclaw-x-abc").IsNone);
        Assert.Equal(Seq("nanoclaw-a-1", "nanoclaw-b-2"), ContainerNaming.ParseOrphans(ContainerCli.Podman, "nanoclaw-a-1\nsomething-else\n nanoclaw-b-2 \n"));
        Assert.Equal(Seq1("nanoclaw-a-1"), ContainerNaming.ParseOrphans(ContainerCli.Apple,
            """[{"status":"running","configuration":{"id":"nanoclaw-a-1"}},{"status":"stopped","configuration":{"id":"nanoclaw-b-2"}},{"status":"running","configuration":{"id":"web"}}]"""));
        Assert.Empty(ContainerNaming.ParseOrphans(ContainerCli.Apple, "not json"));
    }

    [Theory]
    [InlineData(null, 1800000, 1800000, 1830000)]   // default timeout equals idle: idle + 30 s wins
    [InlineData(3600000, 1800000, 60000, 3600000)]  // group override above the floor
    [InlineData(1000, 1800000, 60000, 90000)]       // group override below the floor
    [InlineData(null, 5000, 0, 30000)]
    public void Hard_timeout_is_the_larger_of_the_configured_timeout_and_idle_plus_30s(int? group, int def, int idle, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), TimeoutRules.HardTimeout(Optional(group), def, idle));

    [Fact]
    public void Outcomes_per_spec()
    {
        var t = TimeSpan.FromSeconds(1);
        Assert.Equal(OutputStatus.Success, TimeoutRules.Outcome(137, timedOut: true, hadOutput: true, t, t).Status);
        var silent = TimeoutRules.Outcome(137, timedOut: true, hadOutput: false, t, t);
        Assert.Equal(OutputStatus.Error, silent.Status);
        Assert.Contains("timed out", silent.Error.IfNone(""));
        Assert.Equal(Some("container exited with code 2"), TimeoutRules.Outcome(2, false, true, t, t).Error);
        Assert.Equal(OutputStatus.Success, TimeoutRules.Outcome(0, false, false, t, t).Status);
    }

    [Fact]
    public void Snapshots_show_main_everything_and_others_only_their_own()
    {
        ScheduledTask Task(string id, string folder) => new(id, folder, "jid", "prompt " + id, ScheduleType.Cron, "0 9 * * *",
            ContextMode.Group, None, Some("2026-01-31T14:32:00.000Z"), None, None, NanoClaw.Core.Domain.TaskStatus.Active, "2026-01-01T00:00:00.000Z");
        var tasks = Seq(Task("t1", "main"), Task("t2", "family"));
        Assert.Contains("t2", Snapshots.Tasks("main", true, tasks));
        var family = Snapshots.Tasks("family", false, tasks);
        Assert.Contains("\"schedule_type\": \"cron\"", family);
        Assert.DoesNotContain("t1", family);

        var groups = Seq(new AvailableGroup("a@g.us", "Old", "2026-01-01T00:00:00.000Z", false), new AvailableGroup("b@g.us", "New", "2026-02-01T00:00:00.000Z", true));
        var forMain = Snapshots.Groups(true, groups, "2026-02-02T00:00:00.000Z");
        Assert.True(forMain.IndexOf("b@g.us", StringComparison.Ordinal) < forMain.IndexOf("a@g.us", StringComparison.Ordinal));
        Assert.DoesNotContain("g.us", Snapshots.Groups(false, groups, "2026-02-02T00:00:00.000Z"));
    }
}

public class ContainerLimitArgsTests
{
    [Fact]
    public void The_default_limits_on_podman_and_docker_and_what_apple_container_gets()
    {
        const string linux = "--memory 2g --cpus 2 --memory-swap 2g --pids-limit 512 --cap-drop=ALL --security-opt=no-new-privileges "
                           + "--read-only --tmpfs /tmp:rw,nosuid,nodev,mode=1777 --tmpfs /home/node:rw,nosuid,nodev,mode=1777";
        Assert.Equal(linux, string.Join(' ', RuntimeCommand.LimitArgs(ContainerCli.Podman, ContainerLimits.Default)));
        Assert.Equal(linux, string.Join(' ', RuntimeCommand.LimitArgs(ContainerCli.Docker, ContainerLimits.Default)));
        Assert.Equal("--memory 2g --cpus 2", string.Join(' ', RuntimeCommand.LimitArgs(ContainerCli.Apple, ContainerLimits.Default)));
        Assert.Empty(RuntimeCommand.LimitArgs(ContainerCli.Podman, ContainerLimits.None));
    }

    [Fact]
    public void Limits_come_before_the_image_in_the_run_command()
    {
        var spec = new ContainerRunSpec("nanoclaw-a-1", LanguageExt.Seq<VolumeMount>.Empty, "UTC", 0, 0, "img:1", default) { Limits = ContainerLimits.Default };
        var args = RuntimeCommand.Run(ContainerCli.Podman, spec).ToList();
        Assert.Equal("img:1", args[^1]);
        Assert.True(args.IndexOf("--read-only") is > 0 and var i && i < args.Count - 1);
    }

    [Theory]
    [InlineData("2", 1, "1")]
    [InlineData("2", 8, "2")]
    [InlineData("0.5", 1, "0.5")]
    [InlineData("", 1, "")]
    public void The_cpu_share_is_capped_at_the_machines_cpus(string cpus, int processors, string expected)
    {
        var fitted = NanoClaw.Shell.Containers.ContainerRunnerOptions.FitToHost(ContainerLimits.Default with { Cpus = cpus }, processors);
        Assert.Equal(expected, fitted.Cpus);
    }
}

public class AppleCpuTests
{
    [Theory]
    [InlineData("0.5", "1")]
    [InlineData("1.2", "2")]
    [InlineData("3", "3")]
    public void Apple_container_gets_whole_cpus_and_the_others_the_share(string cpus, string apple)
    {
        var limits = ContainerLimits.None with { Cpus = cpus };
        Assert.Equal($"--cpus {apple}", string.Join(' ', RuntimeCommand.LimitArgs(ContainerCli.Apple, limits)));
        Assert.Equal($"--cpus {cpus}", string.Join(' ', RuntimeCommand.LimitArgs(ContainerCli.Podman, limits)));
    }
}
