using Dapper;
using Microsoft.Playwright;
using NanoClaw.Shell.Cli;
using NanoClaw.Tests.Cli;
using NanoClaw.Tests.Fault;
using NanoClaw.Tests.Shell.Config;

namespace NanoClaw.Tests.Dashboard;

/// <summary>
/// The dashboard of a real daemon (local chat, the fake container runtime) in a real headless Chromium: the link from
/// <c>nanoclaw dashboard url</c>, a group's state changing live when a message arrives, run-now starting a task.
/// </summary>
[Trait("Category", "Dashboard")]
public sealed class DashboardDaemonTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly DaemonHarness daemon = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await daemon.DisposeAsync();

    private async Task StartDaemonAsync()
    {
        await daemon.StartAsync();
        // The dashboard starts after the channels (the harness waits for the chat socket only).
        await daemon.WaitForOutputAsync(lines => lines.Any(l => l.Contains("Dashboard listening", StringComparison.Ordinal)), Wait, "the dashboard to listen");
    }

    private string DashboardUrl()
    {
        var result = NanoclawProcess.Run(daemon.Root, daemon.Env, "dashboard", "url");
        Assert.True(result.ExitCode == 0, $"nanoclaw dashboard url exited {result.ExitCode}: {result.StdErr}");
        var url = result.StdOut.Trim();
        Assert.Matches("^http://127\\.0\\.0\\.1:[0-9]+/\\?token=[A-Za-z0-9_-]{43}$", url);
        return url;
    }

    [ChromiumFact]
    public async Task A_groups_state_changes_live_when_a_message_arrives()
    {
        await StartDaemonAsync();
        var url = DashboardUrl();
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "yes");
        var state = page.Locator("tr.group[data-folder=main] td.state");
        await Assertions.Expect(state).ToHaveTextAsync("asleep");
        await page.EvaluateAsync("window.sameDocument = 'still'");

        await using var chat = await ChatSession.OpenAsync(daemon);
        await chat.SendAsync("main", "hello dashboard");

        // The fake agent answers and then waits for input: busy, then idle, without the page being reloaded.
        await Assertions.Expect(state).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(busy|idle)$"), new() { Timeout = (float)Wait.TotalMilliseconds });
        await Assertions.Expect(page.Locator("tr.group[data-folder=main] td").Nth(3)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^nanoclaw-main-"));
        Assert.Equal("still", await page.EvaluateAsync<string>("window.sameDocument"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ArtefactPath("dashboard-live.png"), FullPage = true });
    }

    [ChromiumFact]
    public async Task Run_now_on_a_task_starts_it()
    {
        await StartDaemonAsync();
        using (var db = daemon.OpenDb())
            db.Execute("""
                INSERT INTO scheduled_tasks (id, group_folder, chat_jid, prompt, schedule_type, schedule_value, context_mode, next_run, status, created_at)
                VALUES ('t-dash', 'main', 'local:main', 'say hi', 'interval', '86400000', 'isolated', '2099-01-01T00:00:00.000Z', 'active', '2026-01-01T00:00:00.000Z')
                """);
        var url = DashboardUrl();
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(url);

        await page.Locator("tr.task[data-id=t-dash] button[data-action=run-now]").ClickAsync();
        await Assertions.Expect(page.Locator("#task-result")).ToContainTextAsync("due now", new() { Timeout = (float)Wait.TotalMilliseconds });
        await daemon.WaitForOutputAsync(lines => lines.Any(l => l.Contains("Started", StringComparison.Ordinal) && l.Contains("task t-dash", StringComparison.Ordinal)),
            Wait, "the task's container to start");
    }

    [Fact]
    public async Task Dashboard_url_says_so_with_its_own_code_when_no_daemon_runs_or_the_dashboard_is_off()
    {
        var none = NanoclawProcess.Run(daemon.Root, daemon.Env, "dashboard", "url");
        Assert.Equal(DashboardCommand.DashboardOff, none.ExitCode);
        Assert.Contains("not running", none.StdErr);

        await StartDaemonAsync();
        DashboardUrl();
        await daemon.StopAsync();
        var stopped = NanoclawProcess.Run(daemon.Root, daemon.Env, "dashboard", "url");
        Assert.Equal(DashboardCommand.DashboardOff, stopped.ExitCode);

        using var off = new CliProject().WithConfig("dashboard:\n  enabled: false\n");
        var disabled = off.Run("dashboard", "url");
        Assert.Equal(DashboardCommand.DashboardOff, disabled.ExitCode);
        Assert.Contains("dashboard.enabled: false", disabled.StdErr);
    }
}
