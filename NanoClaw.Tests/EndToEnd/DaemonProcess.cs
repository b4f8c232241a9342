using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.EndToEnd;

/// <summary>
/// The real daemon as a child process (<c>dotnet nanoclaw.dll run</c>) in an installation directory. Its console log
/// (stderr) is kept line by line so tests can wait for what it reports: readiness, container starts and exits,
/// IPC refusals.
/// </summary>
public sealed partial class DaemonProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> lines = [];
    private readonly SemaphoreSlim arrived = new(0);
    private readonly Task stdout;
    private readonly Task stderr;

    private DaemonProcess(Process process)
    {
        this.process = process;
        stdout = Task.Run(() => PumpAsync(process.StandardOutput));
        stderr = Task.Run(() => PumpAsync(process.StandardError));
    }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Every line the daemon printed so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (lines) return lines.ToList(); }
    }

    public string Output => string.Join('\n', Lines);

    /// <summary>Container names the daemon reported starting, with their folder, in order.</summary>
    public IReadOnlyList<(string Name, string Folder)> StartedContainers =>
        Lines.Select(l => StartedLine().Match(l)).Where(m => m.Success).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

    /// <summary>Starts the daemon in <paramref name="projectDir"/> (where its config.yml is) and waits until it is running.</summary>
    /// <param name="skipSetupCheck">Passes <c>--no-setup-check</c>: the fake sidecar is neither where nor linked as the first-run guide expects.</param>
    /// <param name="runAs">
    /// Another user (a root test runner only) and the daemon's dll it can read: <c>setpriv</c> switches to that user
    /// and execs <c>dotnet</c>, so <see cref="Pid"/> is still the daemon's. The caller's environment sets its HOME.
    /// </param>
    public static async Task<DaemonProcess> StartAsync(string projectDir, IReadOnlyDictionary<string, string>? environment = null, bool skipSetupCheck = false,
        (string User, string Dll)? runAs = null)
    {
        var info = new ProcessStartInfo(runAs is null ? "dotnet" : "setpriv")
        {
            WorkingDirectory = projectDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (runAs is { } user)
            foreach (var a in new[] { $"--reuid={user.User}", $"--regid={user.User}", "--init-groups", "dotnet" }) info.ArgumentList.Add(a);
        info.ArgumentList.Add(runAs?.Dll ?? NanoclawDll());
        info.ArgumentList.Add("run");
        if (skipSetupCheck) info.ArgumentList.Add("--no-setup-check");
        // The test runner's own settings must not leak into the daemon: it reads only its installation.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("NANOCLAW_", StringComparison.Ordinal)
                     || k.StartsWith("ANTHROPIC_", StringComparison.Ordinal) || k is "CLAUDE_CODE_OAUTH_TOKEN" or "CLAUDECODE").ToList())
            info.Environment.Remove(key);
        // The image under test is the one exception: a branch tests its own build (see ImageRunnerLauncher.Image).
        info.Environment["NANOCLAW_CONTAINER__IMAGE"] = NanoClaw.Tests.Agent.ImageRunnerLauncher.Image;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var daemon = new DaemonProcess(Process.Start(info) ?? throw new InvalidOperationException("cannot start dotnet"));
        try
        {
            await daemon.WaitForLineAsync(l => l.Contains("NanoClaw running", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
        return daemon;
    }

    /// <summary>The daemon in its own build output (same configuration as the tests), not the copy beside the tests.</summary>
    public static string NanoclawDll()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory);
        var path = Path.Combine(Requirements.RepoRoot(), "NanoClaw.Shell", "bin", bin.Parent!.Name, bin.Name, "nanoclaw.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build the daemon first (dotnet build NanoClaw.sln)", path);
    }

    /// <summary>Waits for a line matching <paramref name="match"/> (already printed or printed later).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Lines.FirstOrDefault(match) is { } found) return found;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || (process.HasExited && await Drained()))
            {
                if (Lines.FirstOrDefault(match) is { } late) return late;
                throw new TimeoutException($"the daemon did not print the expected line within {timeout.TotalSeconds:0} s"
                    + (process.HasExited ? $" (it exited with {process.ExitCode})" : "") + ". Its log:\n" + Tail());
            }
            await arrived.WaitAsync(left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>Waits until the container that the daemon started as <paramref name="name"/> is reported ended.</summary>
    public Task<string> WaitForContainerEndAsync(string name, TimeSpan timeout) =>
        WaitForLineAsync(l => l.Contains($"Container {name} ended", StringComparison.Ordinal), timeout);

    /// <summary>The last lines of the log, for failure messages.</summary>
    public string Tail(int count = 80) => string.Join('\n', Lines.TakeLast(count));

    /// <summary>SIGKILL: the daemon dies at once, leaving its containers and files as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
        await Drained();
    }

    /// <summary>SIGTERM, then waits for the graceful shutdown (SIGKILL if it takes longer than <paramref name="grace"/>).</summary>
    public async Task<int> StopAsync(TimeSpan grace)
    {
        if (!process.HasExited) _ = SendSignal(process.Id, SigTerm);
        using var limit = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        // The exit can be seen before the pumps have read the last lines from the pipes (a CI run lost
        // "NanoClaw stopped" that way): callers look at Lines right after this.
        await Drained();
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) await StopAsync(TimeSpan.FromSeconds(20));
        await Drained();
        process.Dispose();
    }

    private async Task<bool> Drained()
    {
        await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        return true;
    }

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (lines) lines.Add(line);
            arrived.Release();
        }
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    [GeneratedRegex(@"Started (nanoclaw-\S+) for (\S+)")]
    private static partial Regex StartedLine();
}
