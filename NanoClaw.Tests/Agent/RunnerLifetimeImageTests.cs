using System.Diagnostics;
using NanoClaw.Core.Containers;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Agent;

/// <summary>
/// Issue 20: the agent runner in the real image, with the real Claude Code CLI and the fake API, ends the run on its
/// own when its host is gone — killed (SIGKILL to the podman client: the container lives on under conmon), silent
/// past the idle timeout plus margin, or with its IPC directory deleted.
/// </summary>
[Trait("Category", "RealContainer")]
[Collection("RealClaude")]
public sealed class RunnerLifetimeImageTests(AgentImageFixture image) : IClassFixture<AgentImageFixture>, IAsyncLifetime
{
    private const int IdleTimeoutMs = 2000;
    private static readonly TimeSpan Turn = TimeSpan.FromSeconds(120);

    /// <summary>Room for podman's own start and clean-up on a loaded machine, on top of the runner's limit.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(45);

    private readonly ImageRunnerLauncher launcher = new();
    private readonly AgentWorkspace workspace = new();
    private FakeAnthropicApi api = null!;

    public async Task InitializeAsync()
    {
        Assert.True(image.Problem is null, image.Problem);
        api = await FakeAnthropicApi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
        launcher.CleanUp();
        workspace.Dispose();
    }

    private ContainerInput Input() => new ContainerInput(
        "hello", None, "main", "15550001111@s.whatsapp.net", true, false, "Andy", None,
        LanguageExt.Map.create(("ANTHROPIC_BASE_URL", api.BaseUrl), ("ANTHROPIC_API_KEY", api.ApiKey)))
    {
        IdleTimeoutMs = IdleTimeoutMs,
        MaxRunMs = 3_600_000,
    };

    [ClaudeImageFact]
    public async Task With_its_podman_client_killed_the_container_ends_by_itself_after_the_idle_timeout_plus_margin()
    {
        api.Script(ScriptedReply.Text("first answer"));
        await using var runner = RunnerProcess.Start(launcher.StartInfo(workspace), Input());
        await runner.NextTurnAsync(Turn);
        var name = Assert.Single(launcher.Names);
        // Start waiting on the container before the kill, so its end cannot slip past unseen.
        var waiting = PodmanWaitAsync(name);

        runner.KillClient();
        await runner.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.False(waiting.IsCompleted, "the container ended with its client: nothing left to test");

        var limit = TimeoutRules.RunnerIdleLimit(IdleTimeoutMs);
        var exit = await waiting.WaitAsync(limit + Slack);
        Assert.Equal("0", exit);
    }

    [ClaudeImageFact]
    public async Task Without_input_or_close_the_runner_ends_the_run_itself_and_says_why()
    {
        api.Script(ScriptedReply.Text("first answer"));
        await using var runner = RunnerProcess.Start(launcher.StartInfo(workspace), Input());
        await runner.NextTurnAsync(Turn);

        Assert.Equal(0, await runner.WaitForExitAsync(TimeoutRules.RunnerIdleLimit(IdleTimeoutMs) + Slack));
        Assert.Contains("ending the run on its own: no input and no _close", runner.Log);
        Assert.Empty(runner.RemainingRecords());
    }

    [ClaudeImageFact]
    public async Task When_its_ipc_directory_is_deleted_the_runner_ends_the_run_and_says_why()
    {
        api.Script(ScriptedReply.Text("first answer"));
        var input = Input() with { IdleTimeoutMs = 3_600_000 };
        await using var runner = RunnerProcess.Start(launcher.StartInfo(workspace), input);
        await runner.NextTurnAsync(Turn);

        // Deleted, not renamed: the bind mount follows the directory, so a rename would leave it whole inside. The agent
        // may write there while it goes ("directory not empty"): try again until it is gone.
        for (var attempt = 0; Directory.Exists(workspace.Ipc); attempt++)
        {
            try { Directory.Delete(workspace.Ipc, recursive: true); }
            catch (IOException) when (attempt < 50) { await Task.Delay(20); }
        }

        Assert.Equal(0, await runner.WaitForExitAsync(Slack));
        Assert.Contains("ending the run on its own: the IPC directory", runner.Log);
    }

    /// <summary><c>podman wait NAME</c>: the container's exit code once it ends (it is removed right after: --rm).</summary>
    private static Task<string> PodmanWaitAsync(string name) => Task.Run(async () =>
    {
        var info = new ProcessStartInfo("podman") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "wait", name }) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return p.ExitCode == 0 ? output.Trim() : $"podman wait failed ({p.ExitCode}): {error.Trim()}";
    });
}
