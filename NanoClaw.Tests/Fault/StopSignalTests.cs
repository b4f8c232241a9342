using System.Net;
using NanoClaw.Tests.Shell.Config;

namespace NanoClaw.Tests.Fault;

/// <summary>
/// SIGTERM ends <c>nanoclaw run</c> with exit code 0 whenever the daemon got far enough to register its handler
/// (issue 16): during the first-run checks, before "running", and with a dashboard event stream open (whose stop
/// used to outlast System.CommandLine's 2 s grace, which then ended the process with 143).
/// </summary>
[Trait("Category", "Fault")]
public sealed class StopSignalTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sigterm_with_a_dashboard_event_stream_open_exits_zero()
    {
        await using var daemon = new DaemonHarness();
        await daemon.StartAsync();
        await daemon.WaitForOutputAsync(lines => lines.Any(l => l.Contains("Dashboard listening", StringComparison.Ordinal)), Wait, "the dashboard to listen");
        var url = NanoclawProcess.Run(daemon.Root, daemon.Env, "dashboard", "url");
        Assert.True(url.ExitCode == 0, url.StdErr);

        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() });
        (await http.GetAsync(url.StdOut.Trim())).EnsureSuccessStatusCode(); // the token becomes the cookie
        var events = new Uri(new Uri(url.StdOut.Trim()), "/events");
        using var stream = await http.GetAsync(events, HttpCompletionOption.ResponseHeadersRead);
        stream.EnsureSuccessStatusCode();
        await using var body = await stream.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        Assert.True(await body.ReadAsync(buffer) > 0, "the event stream sent its first event");

        var code = await daemon.StopAsync(Wait);

        Assert.True(code == 0, $"exit code {code}:\n{daemon.Output}");
        Assert.Contains("NanoClaw stopped", daemon.Output, StringComparison.Ordinal);
        // The stream was ended by the daemon's stop (not left hanging): reading to its end returns.
        while (await ReadOrEndAsync(body, buffer) > 0) { }
    }

    [Fact]
    public async Task Sigterm_during_the_first_run_checks_exits_zero()
    {
        await using var daemon = new DaemonHarness();
        // The first start checks the container runtime before the daemon proper starts; this runtime answers its
        // first call by sending SIGTERM to the daemon that called it, then behaves as the fake runtime.
        var wrapper = Path.Combine(daemon.Root, "terminating-runtime");
        var calls = Path.Combine(daemon.Root, "runtime-calls");
        File.WriteAllText(wrapper, $$"""
            #!/usr/bin/env bash
            echo "$1" >> '{{calls}}'
            if (( $(wc -l < '{{calls}}') == 1 )); then kill -TERM "$PPID"; fi
            exec '{{DaemonHarness.FakeRuntimePath}}' "$@"
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        daemon.Env["NANOCLAW_CONTAINER_EXECUTABLE"] = wrapper;

        await daemon.StartAsync(waitForSocket: false);
        var code = await daemon.WaitForExitAsync(Wait);

        Assert.True(File.Exists(calls), "the runtime was called: " + daemon.Output);
        Assert.True(code == 0, $"exit code {code}:\n{daemon.Output}");
    }

    [Fact]
    public async Task A_stopped_daemon_leaves_one_complete_database_file_without_a_WAL()
    {
        // Issue 16's stop closes the store: SQLite folds the WAL into messages.db, so the file alone (what a person
        // copies to move an installation) holds every row. Before, every row of a short run stayed in messages.db-wal.
        await using var daemon = new DaemonHarness();
        await daemon.StartAsync();
        await using (var chat = await ChatSession.OpenAsync(daemon))
        {
            await chat.SendAsync("main", "a message that must survive in messages.db itself");
            await chat.WaitForFramesAsync("accepted", 1, Wait);
        }

        var code = await daemon.StopAsync(Wait);

        Assert.True(code == 0, $"exit code {code}:\n{daemon.Output}");
        Assert.False(File.Exists(daemon.DbPath + "-wal"), "the WAL was folded in and removed");
        var copy = Path.Combine(daemon.Root, "copied", "messages.db");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(daemon.DbPath, copy);
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={copy};Pooling=False");
        db.Open();
        using var query = db.CreateCommand();
        query.CommandText = "SELECT COUNT(*) FROM messages WHERE content = 'a message that must survive in messages.db itself'";
        Assert.Equal(1L, (long)query.ExecuteScalar()!);
    }

    private static async Task<int> ReadOrEndAsync(Stream body, byte[] buffer)
    {
        try
        {
            return await body.ReadAsync(buffer);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return 0; // the connection was closed under the read: ended all the same
        }
    }
}
