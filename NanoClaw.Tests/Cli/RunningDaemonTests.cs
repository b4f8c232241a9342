using System.Collections.Concurrent;
using System.Diagnostics;
using LanguageExt;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Tests.Cli;

/// <summary>
/// Management commands against a running daemon (real <c>nanoclaw run</c>, local chat only, fake container CLI): the
/// set-up checks pass in a prepared directory, and a change made with <c>tasks run-now</c> reaches the daemon at once
/// through <c>data/store.changed</c>, not after its (here: ten-minute) safety poll.
/// </summary>
public sealed class RunningDaemonTests : IDisposable
{
    private readonly CliProject project = new();
    private readonly ConcurrentQueue<string> log = new();
    private Process? daemon;

    private void StartDaemon()
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = project.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nanoclaw.dll"));
        start.ArgumentList.Add("run");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("NANOCLAW_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        foreach (var (k, v) in project.Env) start.Environment[k] = v;
        start.Environment["HOME"] = project.Home;
        daemon = Process.Start(start)!;
        daemon.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        daemon.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        WaitForLog("NanoClaw running", TimeSpan.FromSeconds(60));
    }

    private void WaitForLog(string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (log.Any(l => l.Contains(text, StringComparison.Ordinal))) return;
            if (daemon!.HasExited) break;
            Thread.Sleep(50);
        }
        Assert.Fail($"the daemon did not log \"{text}\" (exited: {daemon!.HasExited}). Its log:\n{string.Join('\n', log)}");
    }

    [Fact]
    public void Run_now_reaches_a_running_daemon_at_once()
    {
        project.WithConfig("channels:\n  whatsapp: false\n  local_chat: true\ncontainer:\n  runtime: podman\ntiming:\n  scheduler_poll_interval_ms: 600000\n")
            .WithCredentials();
        project.UseFakeRuntime(answers: true, "nanoclaw-agent:latest");
        StartDaemon(); // a prepared first start: the set-up checks pass, and local:main becomes the main group

        var tomorrow = IsoTimestamp.From(DateTimeOffset.UtcNow.AddDays(1));
        project.Store().Tasks.Create(new ScheduledTask("t-nudge", "main", "local:main", "say hi", ScheduleType.Interval, "86400000",
            ContextMode.Isolated, None, Some(tomorrow), None, None, TaskStatus.Active, IsoTimestamp.From(DateTimeOffset.UtcNow)));

        var result = project.Run("tasks", "run-now", "t-nudge");

        Assert.True(result.ExitCode == 0, result.StdErr);
        WaitForLog("Task t-nudge for main is due", TimeSpan.FromSeconds(20));
        Assert.Contains(log, l => l.Contains("changed by a nanoclaw command", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        if (daemon is { HasExited: false })
        {
            daemon.Kill(entireProcessTree: true);
            daemon.WaitForExit(10_000);
        }
        daemon?.Dispose();
        project.Dispose();
    }
}
