using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Scheduling;
using NanoClaw.Core.Status;
using NanoClaw.Shell.Containers;
using NanoClaw.Shell.Dashboard;
using NanoClaw.Shell.Store;
using NanoClaw.Tests.Shell.Containers;
using NanoClaw.Tests.Support;
using Xunit.Abstractions;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Shell.Containers.ContainerTestData;

namespace NanoClaw.Tests.Dashboard;

/// <summary>
/// Attacks on the dashboard from inside real containers (real Podman, default network): its port on every address a
/// container can use for the host answers nothing, and its token is nowhere a container can read.
/// </summary>
[Trait("Category", "Dashboard")]
public sealed class DashboardReachTests : IAsyncLifetime
{
    private readonly TempProject project = new();
    private readonly ITestOutputHelper output;
    private DashboardServer server = null!;
    private NanoClawStore store = null!;

    public DashboardReachTests(ITestOutputHelper output) => this.output = output;

    private string StoreDir => Path.Combine(project.Root, "store");

    public async Task InitializeAsync()
    {
        store = NanoClawStore.Open(StoreDir, "Andy", Serilog.Core.Logger.None);
        var status = new DaemonStatus(Empty, Empty, Empty, Empty, Empty, Empty, 5);
        server = await DashboardServer.StartAsync(new DashboardSources(store, () => status, TimeZoneInfo.Utc, new FakeTimeProvider(),
            TaskLimits.Default, Path.Combine(project.Root, "logs", "runs"), () => { }), StoreDir, 0, Serilog.Core.Logger.None);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        TestContainers.RemoveThoseMounting(project.Root);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        project.Dispose();
    }

    private static string AgentImage =>
        Environment.GetEnvironmentVariable("NANOCLAW_CONTAINER__IMAGE") is { Length: > 0 } image ? image : "nanoclaw-agent:latest";

    [PodmanFact]
    public async Task No_address_a_container_has_for_the_host_reaches_the_dashboard()
    {
        var name = "nanoclaw-dashprobe-" + Guid.NewGuid().ToString("N")[..8];
        // curl prints the HTTP code, 000 when nothing answered. The gateway comes from the container's own route table.
        var script = $$"""
            gw=$(awk '$2 == "00000000" { print $3; exit }' /proc/net/route)
            gwip=$(printf '%d.%d.%d.%d' 0x${gw:6:2} 0x${gw:4:2} 0x${gw:2:2} 0x${gw:0:2})
            for target in host.containers.internal host.docker.internal "$gwip" 10.0.2.2 169.254.1.2 10.88.0.1 127.0.0.1; do
              code=$(curl -s -o /dev/null -w '%{http_code}' --connect-timeout 3 --max-time 5 "http://$target:{{server.Port}}/?token={{server.Token}}")
              echo "$target $code"
            done
            """;
        var (exit, stdout, stderr) = await Podman("run", "--rm", "--name", name, "--entrypoint", "bash", AgentImage, "-c", script);
        try
        {
            output.WriteLine(stdout + stderr);
            Assert.True(exit == 0, $"probe container failed ({exit}): {stderr}");
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(7, lines.Length);
            // 000: no HTTP answer at all (the dashboard listens on the host's loopback only).
            Assert.All(lines, l => Assert.EndsWith(" 000", l));
        }
        finally
        {
            await Podman("rm", "-f", "-t", "0", name);
        }
    }

    [PodmanFact]
    public async Task The_token_is_not_visible_to_main_which_sees_the_project()
    {
        EnsureTestImage();
        var runner = new ContainerRunner(new ContainerRuntime(ContainerCli.Podman, "podman", Serilog.Core.Logger.None, TimeProvider.System),
            project.Options(), s => s, Serilog.Core.Logger.None, TimeProvider.System);
        var run = runner.Start(Request(Group("main", isMain: true),
                "ls /workspace/project; ls /workspace/project/store; cat /workspace/project/store/dashboard.token; cat /workspace/project/store/dashboard.port; env NANOCLAW_DASHBOARD_TOKEN"))
            .Match(r => r, e => throw new Xunit.Sdk.XunitException("start refused: " + e));
        var (records, _) = await Collect(run);
        var results = records.Select(r => r.Result.IfNone("")).ToList();
        output.WriteLine(string.Join("\n---\n", results));

        Assert.True(File.Exists(Path.Combine(StoreDir, DashboardToken.TokenFile)));
        Assert.Equal("", results[1]);
        Assert.Equal("missing /workspace/project/store/dashboard.token", results[2]);
        Assert.Equal("missing /workspace/project/store/dashboard.port", results[3]);
        Assert.DoesNotContain(server.Token, string.Join("\n", results));
        Assert.DoesNotContain(run.Mounts, m => m.HostPath.StartsWith(StoreDir, StringComparison.Ordinal));
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> Podman(params string[] args)
    {
        var info = new ProcessStartInfo("podman") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(limit.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
