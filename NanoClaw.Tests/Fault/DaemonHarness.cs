using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using NanoClaw.Shell.LocalChat;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.Fault;

/// <summary>
/// A real <c>nanoclaw run</c> (the built nanoclaw.dll) in a temporary project directory: local chat only, the fake
/// container runtime from <c>benchmarks/fake-runtime</c>, its own HOME (for the allowlist files). Tests talk to it
/// through the local chat socket and look at its store, logs and the fake runtime's event log.
/// </summary>
public sealed class DaemonHarness : IAsyncDisposable
{
    private readonly StringBuilder output = new();
    private readonly SemaphoreSlim lineArrived = new(0);
    private Process? process;

    public DaemonHarness(string? extraConfig = null, int maxConcurrent = 5, bool credentialProxy = false, string? credentials = null,
        IDictionary<string, string>? env = null, int idleTimeoutMs = 1800000)
    {
        Root = Path.Combine(Path.GetTempPath(), "nanoclaw-daemon-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(CaptureDir);
        File.WriteAllText(Path.Combine(Root, "config.yml"), $"""
            channels:
              whatsapp: false
              local_chat: true
            container:
              runtime: podman
              max_concurrent: {maxConcurrent}
              credential_proxy: {(credentialProxy ? "true" : "false")}
              network: host
            timing:
              poll_interval_ms: 500
              ipc_poll_interval_ms: 300
              scheduler_poll_interval_ms: 1000
              idle_timeout_ms: {idleTimeoutMs}
            timezone: UTC
            {extraConfig ?? ""}
            """.Replace("\r", ""));
        // A placeholder key by default: the fake runtime never calls the API, and the first-run guide wants credentials.
        File.WriteAllText(Path.Combine(Root, "credentials.yml"), credentials ?? "anthropic_api_key: sk-ant-test-placeholder\n");
        Env = new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["NANOCLAW_CONTAINER_EXECUTABLE"] = FakeRuntimePath,
            ["FAKE_RUNTIME_LOG"] = RuntimeLog,
            ["FAKE_RUNTIME_STATE"] = Path.Combine(Root, "fake-state"),
            ["FAKE_RUNTIME_CAPTURE_DIR"] = CaptureDir,
            ["FAKE_RUNTIME_POLL_MS"] = "20",
        };
        if (env is not null) foreach (var (k, v) in env) Env[k] = v;
    }

    public static string FakeRuntimePath => Path.Combine(Requirements.RepoRoot(), "benchmarks", "fake-runtime", "fake-runtime");

    public string Root { get; }
    public string Home => Path.Combine(Root, "home");
    public string CaptureDir => Path.Combine(Root, "captured-stdin");
    public string RuntimeLog => Path.Combine(Root, "fake-runtime.log");
    public string DataDir => Path.Combine(Root, "data");
    public string IpcDir => Path.Combine(DataDir, "ipc");
    public string SocketPath => Path.Combine(DataDir, "chat.sock");
    public string DbPath => Path.Combine(Root, "store", "messages.db");
    public Dictionary<string, string> Env { get; }
    public int Starts { get; private set; }

    /// <summary>Everything the daemon printed so far (all its runs).</summary>
    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    public bool IsRunning => process is { HasExited: false };

    public int? Pid => process?.Id;

    /// <summary>Starts the daemon and waits until the local chat socket answers.</summary>
    public async Task StartAsync(TimeSpan? timeout = null, bool waitForSocket = true)
    {
        if (File.Exists(SocketPath)) File.Delete(SocketPath);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nanoclaw.dll"));
        start.ArgumentList.Add("run");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("NANOCLAW_", StringComparison.Ordinal) || k.StartsWith("FAKE_RUNTIME_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        foreach (var (k, v) in Env) start.Environment[k] = v;
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) output.AppendLine(e.Data); lineArrived.Release(); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) output.AppendLine("ERR " + e.Data); lineArrived.Release(); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Starts++;
        if (waitForSocket) await WaitForSocketAsync(timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Waits until <paramref name="done"/> holds for the daemon's output lines, checking again each time it prints a
    /// line (the daemon's log is the event stream; no polling interval to tune).
    /// </summary>
    public async Task WaitForOutputAsync(Func<IReadOnlyList<string>, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            while (lineArrived.CurrentCount > 0) lineArrived.Wait(0); // every line so far is in the snapshot below
            var lines = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (done(lines)) return;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || process is { HasExited: true })
                throw new TimeoutException($"timed out waiting for {what}" + (process is { HasExited: true } ? $" (the daemon exited with {process.ExitCode})" : "")
                    + ":\n" + string.Join('\n', lines.TakeLast(40)));
            await lineArrived.WaitAsync(left);
        }
    }

    public async Task WaitForSocketAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process is { HasExited: true }) throw new InvalidOperationException($"daemon exited with {process.ExitCode}:\n{Output}");
            if (File.Exists(SocketPath))
            {
                try
                {
                    await using var probe = await LocalChatClient.ConnectAsync(SocketPath, CancellationToken.None);
                    return;
                }
                catch (LocalChatUnavailableException)
                {
                }
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"the daemon's chat socket did not answer within {timeout.TotalSeconds:0} s:\n{Output}");
    }

    /// <summary>SIGKILL: no clean-up at all.</summary>
    public async Task KillAsync()
    {
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM and wait for a clean exit.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (process is null || process.HasExited) return process?.ExitCode ?? 0;
        _ = SysKill(process.Id, 15);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        return process.ExitCode;
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SysKill(int pid, int signal);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await process!.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    public SqliteConnection OpenDb()
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, DefaultTimeout = 30, Pooling = false }.ToString());
        c.Open();
        c.Execute("PRAGMA busy_timeout = 30000");
        return c;
    }

    /// <summary>Registers a group directly in the store (before the daemon starts, or the daemon learns it on the next refresh).</summary>
    public void RegisterGroup(string jid, string folder, bool requiresTrigger = true, bool isMain = false)
    {
        using var c = OpenDb();
        c.Execute("""
            INSERT OR REPLACE INTO registered_groups (jid, name, folder, trigger_pattern, added_at, container_config, requires_trigger, is_main)
            VALUES (@jid, @folder, @folder, '@Andy', '2026-01-01T00:00:00.000Z', NULL, @rt, @main)
            """, new { jid, folder, rt = requiresTrigger ? 1 : 0, main = isMain ? 1 : 0 });
        Directory.CreateDirectory(Path.Combine(Root, "groups", folder, "logs"));
    }

    /// <summary>Lines of the fake runtime's event log: (epoch ms, event, container name, extra).</summary>
    public IReadOnlyList<(double Ms, string Event, string Name, string Extra)> RuntimeEvents()
    {
        if (!File.Exists(RuntimeLog)) return [];
        return File.ReadAllLines(RuntimeLog).Select(l => l.Split(' ', 4)).Where(p => p.Length >= 3)
            .Select(p => (double.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), p[1], p[2], p.Length > 3 ? p[3] : ""))
            .ToList();
    }

    /// <summary>The most containers alive at once, from start/exit events of the runtime log.</summary>
    public int PeakConcurrentContainers()
    {
        var alive = 0;
        var peak = 0;
        var exited = new HashSet<string>();
        foreach (var e in RuntimeEvents().OrderBy(e => e.Ms))
        {
            if (e.Event == "start") peak = Math.Max(peak, ++alive);
            else if (e.Event == "exit" && exited.Add(e.Name)) alive--;
        }
        return peak;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            await StopAsync(TimeSpan.FromSeconds(15));
        }
        process?.Dispose();
        // Fake containers of this daemon (their pid files are under our state dir).
        var state = Path.Combine(Root, "fake-state");
        if (Directory.Exists(state))
            foreach (var pidFile in Directory.GetFiles(state, "*.pid"))
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) SysKill(pid, 9);
        // Real containers of this daemon (tests that run the real runtime), also after a kill or a failed test.
        if (!Env.TryGetValue("NANOCLAW_CONTAINER_EXECUTABLE", out var exe) || exe != FakeRuntimePath) TestContainers.RemoveThoseMounting(Root);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>A local chat session that collects every reply frame in the background.</summary>
public sealed class ChatSession : IAsyncDisposable
{
    private readonly LocalChatClient client;
    private readonly CancellationTokenSource stop = new();
    private readonly List<LocalChatFrame> frames = [];
    private readonly SemaphoreSlim arrived = new(0);
    private readonly Task reader;

    private ChatSession(LocalChatClient client)
    {
        this.client = client;
        reader = Task.Run(ReadLoop);
    }

    public static async Task<ChatSession> OpenAsync(DaemonHarness daemon) =>
        new(await LocalChatClient.ConnectAsync(daemon.SocketPath, CancellationToken.None));

    public bool Closed { get; private set; }

    public IReadOnlyList<LocalChatFrame> Frames
    {
        get { lock (frames) return frames.ToList(); }
    }

    public IReadOnlyList<string> Replies => Frames.Where(f => f.Type == "reply").Select(f => f.Text ?? "").ToList();

    public Task SendAsync(string folder, string text) => client.SendAsync(folder, text, CancellationToken.None);

    /// <summary>Sends with an explicit sender (local chat frames may name one), as another person in the chat.</summary>
    public async Task SendAsAsync(string folder, string sender, string text, DaemonHarness daemon)
    {
        var frame = new LocalChatFrame("message", Group: folder, Text: text, Sender: sender).ToLine() + "\n";
        await RawAsync(daemon, frame);
    }

    private static async Task RawAsync(DaemonHarness daemon, string line)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(daemon.SocketPath));
        await socket.SendAsync(Encoding.UTF8.GetBytes(line));
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ReceiveAsync(buffer, cts.Token); // "accepted" (or an error) once the message is in
    }

    /// <summary>Waits until <paramref name="count"/> frames of <paramref name="type"/> (e.g. "accepted") have arrived in total.</summary>
    public async Task WaitForFramesAsync(string type, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Frames.Count(f => f.Type == type) < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || Closed)
                throw new TimeoutException($"{Frames.Count(f => f.Type == type)} of {count} '{type}' frames" + (Closed ? " (the daemon closed the connection)" : ""));
            await arrived.WaitAsync(left);
        }
    }

    /// <summary>Waits until <paramref name="count"/> replies have arrived in total.</summary>
    public async Task<IReadOnlyList<string>> WaitForRepliesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Replies.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || Closed) break;
            await arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
        return Replies;
    }

    private async Task ReadLoop()
    {
        try
        {
            while (await client.ReadAsync(stop.Token) is { } frame)
            {
                lock (frames) frames.Add(frame);
                arrived.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
        }
        Closed = true;
        arrived.Release();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await client.DisposeAsync();
        try { await reader; } catch (Exception) { }
        stop.Dispose();
    }
}
