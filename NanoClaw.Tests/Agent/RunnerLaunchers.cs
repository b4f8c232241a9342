using System.Diagnostics;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.Agent;

/// <summary>How a test starts the agent runner against a workspace.</summary>
public interface IRunnerLauncher
{
    ProcessStartInfo StartInfo(AgentWorkspace workspace);

    /// <summary>Removes whatever a killed run may leave behind (a container outlives its killed client).</summary>
    void CleanUp();
}

/// <summary>The runner built with the tests, run directly on the host with the pinned CLI from .tools/.</summary>
public sealed class HostRunnerLauncher : IRunnerLauncher
{
    public ProcessStartInfo StartInfo(AgentWorkspace workspace)
    {
        var runner = RunnerPath();
        var info = new ProcessStartInfo(runner) { WorkingDirectory = workspace.Root };
        // The daemon mounts the skills read-only at ~/.claude/skills; on the host a link stands in for that mount.
        var skills = Path.Combine(workspace.ClaudeHome, "skills");
        if (!Directory.Exists(skills)) Directory.CreateSymbolicLink(skills, AgentWorkspace.Skills);
        info.Environment["NANOCLAW_WORKSPACE"] = workspace.Workspace;
        info.Environment["NANOCLAW_CLAUDE_BIN"] = Requirements.ClaudeCli ?? "claude";
        info.Environment["HOME"] = workspace.Home;
        info.Environment["TZ"] = "UTC";
        // Tests may run as root, where Claude Code refuses to bypass permissions outside a declared sandbox.
        info.Environment["IS_SANDBOX"] = "1";
        info.Environment["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";
        foreach (var leak in new[] { "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "CLAUDECODE" })
            info.Environment.Remove(leak);
        return info;
    }

    public void CleanUp() { }

    /// <summary>
    /// The runner in its own build output (same configuration as the tests). Not the copy beside the tests: that
    /// one resolves its dependencies against the test host's frameworks and cannot start the MCP server.
    /// </summary>
    public static string RunnerPath()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var tfm = new DirectoryInfo(AppContext.BaseDirectory).Name;
        var path = Path.Combine(Requirements.RepoRoot(), "container", "agent-runner", "bin", configuration, tfm, "nanoclaw-agent-runner");
        return File.Exists(path) ? path : throw new FileNotFoundException("build the agent runner first (dotnet build NanoClaw.sln)", path);
    }
}

/// <summary>The real image under Podman, with the workspace bind-mounted as the host daemon mounts it.</summary>
public sealed class ImageRunnerLauncher : IRunnerLauncher
{
    /// <summary>The image under test: NANOCLAW_CONTAINER__IMAGE (the daemon's own override) lets a branch test its own build.</summary>
    public static readonly string Image =
        Environment.GetEnvironmentVariable("NANOCLAW_CONTAINER__IMAGE") is { Length: > 0 } image ? image : "nanoclaw-agent:latest";

    /// <summary>The daemon's default limits (read-only root, no capabilities, …): the image must work under them.</summary>
    public static readonly IReadOnlyList<string> DefaultLimits =
        NanoClaw.Core.Containers.RuntimeCommand.LimitArgs(NanoClaw.Core.Containers.ContainerCli.Podman, NanoClaw.Core.Containers.ContainerLimits.Default).ToList();

    private readonly List<string> _names = [];

    /// <summary>Names of the containers started so far (a test may kill the client and wait on the container).</summary>
    public IReadOnlyList<string> Names => _names;

    public ProcessStartInfo StartInfo(AgentWorkspace workspace)
    {
        var name = "nanoclaw-test-" + Guid.NewGuid().ToString("N")[..10];
        _names.Add(name);
        var info = new ProcessStartInfo("podman");
        foreach (var a in new[]
        {
            "run", "-i", "--rm", "--network", "host",
            "--name", name,
            "-e", "TZ=UTC",
            "-v", $"{workspace.Group}:/workspace/group",
            "-v", $"{workspace.Global}:/workspace/global:ro",
            "-v", $"{workspace.Ipc}:/workspace/ipc",
            "-v", $"{workspace.ClaudeHome}:/home/node/.claude",
            "-v", $"{AgentWorkspace.Skills}:/home/node/.claude/skills:ro",
            "-v", $"{workspace.Snapshots}:/workspace/snapshots:ro",
        }.Concat(DefaultLimits).Append(Image))
        {
            info.ArgumentList.Add(a);
        }
        return info;
    }

    public void CleanUp()
    {
        foreach (var name in _names)
        {
            using var rm = Process.Start(new ProcessStartInfo("podman", ["rm", "-f", "--ignore", name])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            rm?.WaitForExit(30_000);
        }
        _names.Clear();
    }
}
