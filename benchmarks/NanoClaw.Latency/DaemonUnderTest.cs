using System.Diagnostics;
using System.Runtime.InteropServices;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Store;
using static LanguageExt.Prelude;

namespace NanoClaw.Latency;

/// <summary>A daemon log line (standard error) and when the harness read it.</summary>
internal sealed record DaemonLine(double AtMs, string Text);

/// <summary>
/// The real <c>nanoclaw run</c> in a throw-away project directory: local chat only (so <c>local:main</c> is the main
/// group), every container launched through the fake runtime, and extra groups registered in the store before start.
/// </summary>
internal sealed class DaemonUnderTest : IAsyncDisposable
{
    private Process? process;

    private DaemonUnderTest(string root, string daemonDll, string fakeRuntime)
    {
        Root = root;
        DaemonDll = daemonDll;
        FakeRuntime = fakeRuntime;
        Runtime = new FakeRuntimeLog(Path.Combine(root, "fake-runtime.log"));
    }

    public string Root { get; }
    public string DaemonDll { get; }
    public string FakeRuntime { get; }
    public FakeRuntimeLog Runtime { get; }
    public EventFeed<DaemonLine> Log { get; } = new();
    public int Pid => process?.Id ?? 0;
    public string SocketPath => Path.Combine(Root, "data", "chat.sock");
    public string IpcDir(string folder) => Path.Combine(Root, "data", "ipc", folder);

    /// <summary>Writes the config, registers <paramref name="extraGroups"/> (local chats without trigger), starts the daemon.</summary>
    public static async Task<DaemonUnderTest> StartAsync(string daemonDll, string fakeRuntime, IEnumerable<string> extraGroups)
    {
        var root = Directory.CreateTempSubdirectory("nanoclaw-latency-").FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "config.yml"), """
            assistant:
              name: Andy
            timing:
              idle_timeout_ms: 1800000
            container:
              runtime: podman
              image: nanoclaw-fake:latest
              max_concurrent: 5
            channels:
              whatsapp: false
              local_chat: true
            logging:
              level: INFO
            timezone: UTC
            """);
        // A placeholder key: the fake runtime never calls the API, and the daemon's first-run guide wants credentials.
        await File.WriteAllTextAsync(Path.Combine(root, "credentials.yml"), "anthropic_api_key: sk-ant-latency-placeholder\n");
        var store = NanoClawStore.Open(Path.Combine(root, "store"), "Andy", Serilog.Core.Logger.None);
        foreach (var folder in extraGroups)
        {
            var group = new RegisteredGroup("local:" + folder, folder, folder, "@Andy", IsoTimestamp.From(DateTimeOffset.UtcNow),
                None, RequiresTrigger: false, IsMain: false);
            store.Groups.Upsert(group).IfLeft(e => throw new InvalidOperationException($"cannot register {folder}: {e}"));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var daemon = new DaemonUnderTest(root, daemonDll, fakeRuntime);
        await daemon.LaunchAsync();
        return daemon;
    }

    private async Task LaunchAsync()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Root,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { DaemonDll, "run", "--config", Path.Combine(Root, "config.yml") }) info.ArgumentList.Add(a);
        info.Environment["NANOCLAW_CONTAINER_EXECUTABLE"] = FakeRuntime;
        info.Environment["FAKE_RUNTIME_LOG"] = Path.Combine(Root, "fake-runtime.log");
        info.Environment["FAKE_RUNTIME_STATE"] = Path.Combine(Root, "fake-runtime.state");
        info.Environment["HOME"] = Root; // keeps ~/.config/nanoclaw (allowlists) of the machine out of the run
        // DAEMON_DOTNET_X=v sets DOTNET_X=v for the daemon only (runtime knobs and JIT diagnostics, not the harness).
        foreach (var (key, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                     .Select(e => ((string)e.Key, (string?)e.Value)))
            if (key.StartsWith("DAEMON_DOTNET_", StringComparison.Ordinal)) info.Environment[key["DAEMON_".Length..]] = value;
        process = Process.Start(info) ?? throw new InvalidOperationException("cannot start dotnet");
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Log.Add(new DaemonLine(Clock.NowMs(), line)); };
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) Log.Add(new DaemonLine(Clock.NowMs(), line)); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var exited = process.WaitForExitAsync();
        var running = Log.WaitAsync(l => l.Text.Contains("NanoClaw running", StringComparison.Ordinal), 0, TimeSpan.FromSeconds(120), "the daemon to start");
        if (await Task.WhenAny(exited, running) == exited)
            throw new InvalidOperationException($"the daemon exited with {process.ExitCode} during start-up; its log is in {Root}");
        await running;
    }

    /// <summary>Waits until the daemon has logged that a container ended (its exit is then being folded).</summary>
    public Task WaitForEndedAsync(string container, int from) =>
        Log.WaitAsync(l => l.Text.Contains(container, StringComparison.Ordinal) && l.Text.Contains(" ended", StringComparison.Ordinal),
            from, TimeSpan.FromSeconds(30), $"the daemon to see {container} end");

    /// <summary>Writes an IPC file the way agents do (temporary name, then rename); returns the time just before the rename.</summary>
    public static double WriteAtomically(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A temporary name of our own: the daemon writes input/_close.tmp itself (task close timer), and two writers
        // sharing one temporary file would move it from under each other.
        var tmp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(tmp, text);
        var at = Clock.NowMs();
        File.Move(tmp, path, overwrite: true);
        return at;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            kill(process.Id, 15);
            try
            {
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        process?.Dispose();
        Runtime.Dispose();
    }
}
