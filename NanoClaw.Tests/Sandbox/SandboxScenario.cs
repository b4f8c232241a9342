using System.Globalization;
using Dapper;
using NanoClaw.Tests.Fault;
using NanoClaw.Tests.Support;
using Xunit.Abstractions;

namespace NanoClaw.Tests.Sandbox;

/// <summary>
/// One attack against the real daemon process: a <see cref="DaemonHarness"/> (local chat only) whose container
/// runtime is <c>NanoClaw.Tests/Fixtures/hostile-runtime</c>; the group <c>evil</c> (non-main) runs the attacker, main
/// runs a well-behaved agent that the <see cref="LivenessProbe"/> talks to all along. The test drives evil through
/// launches, follow-ups, idle close, run end and a daemon restart; at the end <see cref="Verdict"/> lists every
/// victim that changed, every ping that did not come back, the peak memory and whether the attack really ran.
/// </summary>
public sealed class SandboxScenario : IAsyncDisposable
{
    public const string Evil = "evil";

    /// <summary>Peak resident memory the daemon may reach (it idles at about 170 MB).</summary>
    public const long MaxPeakRssBytes = 400L * 1024 * 1024;

    private static readonly TimeSpan EvilWait = TimeSpan.FromSeconds(15);

    /// <summary>The first ping of a daemon run waits for main's first container too; on a loaded machine that alone took 13 s.</summary>
    private static readonly TimeSpan FirstPingLimit = TimeSpan.FromSeconds(45);

    private readonly ITestOutputHelper output;
    private readonly List<string> notes = [];
    private readonly List<string> problems = [];
    private readonly List<long> peakRss = [];
    private readonly List<double> cpuSeconds = [];
    private IReadOnlyDictionary<string, string> before = new Dictionary<string, string>();
    private ChatSession? mainChat;
    private ChatSession? evilChat;

    private SandboxScenario(string attack, ITestOutputHelper output, IDictionary<string, string>? env)
    {
        this.output = output;
        Attack = attack;
        var hostileEnv = new Dictionary<string, string>
        {
            ["NANOCLAW_CONTAINER_EXECUTABLE"] = HostileRuntimePath,
            ["HOSTILE_FAKE_RUNTIME"] = DaemonHarness.FakeRuntimePath,
            ["HOSTILE_ATTACK"] = attack,
            ["HOSTILE_FOLDER"] = Evil,
        };
        if (env is not null) foreach (var (k, v) in env) hostileEnv[k] = v;
        Daemon = new DaemonHarness(idleTimeoutMs: 2000, env: hostileEnv);
        Victims = new Victims(Daemon.Root, Daemon.Home);
        foreach (var (k, v) in Victims.Environment()) Daemon.Env[k] = v;
    }

    public static string HostileRuntimePath => Path.Combine(Requirements.RepoRoot(), "NanoClaw.Tests", "Fixtures", "hostile-runtime", "hostile-runtime");

    public string Attack { get; }
    public DaemonHarness Daemon { get; }
    public Victims Victims { get; }
    public LivenessProbe Probe { get; } = new();

    /// <summary>
    /// Creates the victims and a skill for the host to copy into session stores, starts the daemon, checks main
    /// answers, registers <c>evil</c> through main's IPC (as main's agent would) and starts probing.
    /// </summary>
    public static async Task<SandboxScenario> StartAsync(string attack, ITestOutputHelper output, IDictionary<string, string>? env = null)
    {
        var s = new SandboxScenario(attack, output, env);
        try
        {
            s.Victims.Create();
            var skill = Path.Combine(s.Daemon.Root, "container", "skills", "browser");
            Directory.CreateDirectory(skill);
            File.WriteAllText(Path.Combine(skill, "SKILL.md"), "# browser skill\n");
            s.before = s.Victims.Fingerprint();
            await s.Daemon.StartAsync(TimeSpan.FromSeconds(60));
            s.mainChat = await ChatSession.OpenAsync(s.Daemon);
            if (!await s.Probe.PingAsync(s.mainChat, FirstPingLimit)) throw new InvalidOperationException("main did not answer before any attack:\n" + s.Daemon.Output);
            await s.RegisterEvilAsync();
            s.evilChat = await ChatSession.OpenAsync(s.Daemon);
            s.Probe.Start(s.mainChat);
            return s;
        }
        catch
        {
            await s.DisposeAsync();
            throw;
        }
    }

    private async Task RegisterEvilAsync()
    {
        var tasks = Path.Combine(Daemon.IpcDir, "main", "tasks");
        Directory.CreateDirectory(tasks);
        var file = Path.Combine(tasks, "register-evil.json");
        File.WriteAllText(file + ".tmp",
            $$"""{"type":"register_group","jid":"local:{{Evil}}","name":"Evil","folder":"{{Evil}}","trigger":"@Andy","requiresTrigger":false}""");
        File.Move(file + ".tmp", file);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            using (var c = Daemon.OpenDb())
                if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM registered_groups WHERE jid = 'local:evil'") == 1) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("main's IPC request did not register evil:\n" + Daemon.Output);
            await Task.Delay(100);
        }
    }

    /// <summary>Runs one step of the attack unless the daemon already stopped answering (then nothing more can be learnt).</summary>
    public async Task StepAsync(string phase, Func<Task> step)
    {
        if (Probe.Failed) return;
        Probe.Phase = phase;
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {phase}");
        await step();
    }

    /// <summary>Sends a message to evil; waits (bounded) for its agent's answer. A missing answer is noted, not failed: the attack is on the host, not on evil's service.</summary>
    public async Task<bool> TellEvilAsync(string text)
    {
        var chat = evilChat!;
        var seen = chat.Replies.Count;
        var deadline = DateTime.UtcNow + EvilWait;
        await chat.SendAsync(Evil, text);
        while (true)
        {
            if (chat.Frames.Any(f => f.Type == "error")) throw new InvalidOperationException("local chat refused the message to evil: " + chat.Frames.First(f => f.Type == "error").Text);
            var left = deadline - DateTime.UtcNow;
            if (chat.Replies.Skip(seen).Any(r => r.Contains($" from nanoclaw-{Evil}-", StringComparison.Ordinal))) return true;
            if (left <= TimeSpan.Zero || Probe.Failed)
            {
                notes.Add($"{Probe.Phase}: evil's agent did not answer \"{text}\" within {EvilWait.TotalSeconds:0} s");
                return false;
            }
            await chat.WaitForRepliesAsync(chat.Replies.Count + 1, left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Hostile runtime events for evil's runs (start, attack, idle, input, close, exit, …).</summary>
    public IReadOnlyList<(double Ms, string Event, string Name, string Extra)> EvilEvents() =>
        Daemon.RuntimeEvents().Where(e => e.Name.StartsWith($"nanoclaw-{Evil}-", StringComparison.Ordinal)).ToList();

    /// <summary>Waits (bounded, noted when it does not happen) until evil's events satisfy <paramref name="condition"/>.</summary>
    public async Task<bool> WaitForEvilAsync(string what, Func<IReadOnlyList<(double Ms, string Event, string Name, string Extra)>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition(EvilEvents()))
        {
            if (DateTime.UtcNow > deadline || Probe.Failed)
            {
                notes.Add($"{Probe.Phase}: {what} did not happen");
                return false;
            }
            await Task.Delay(100);
        }
        return true;
    }

    /// <summary>Waits until evil has no run alive (every start has its exit).</summary>
    public Task<bool> WaitForEvilToEndAsync(TimeSpan? timeout = null) =>
        WaitForEvilAsync("the end of evil's run", events =>
        {
            var started = events.Where(e => e.Event == "start").Select(e => e.Name).ToHashSet();
            var ended = events.Where(e => e.Event == "exit").Select(e => e.Name).ToHashSet();
            return started.Count > 0 && started.IsSubsetOf(ended);
        }, timeout);

    public int EvilLaunches => EvilEvents().Count(e => e.Event == "start");

    /// <summary>Stops the daemon (SIGTERM) and starts it again with whatever the attacker left behind; main must answer again.</summary>
    public async Task RestartAsync()
    {
        await Probe.StopAsync();
        if (Probe.Failed) return;
        RecordPeakRss();
        var code = await Daemon.StopAsync(TimeSpan.FromSeconds(20));
        if (code is 137 or -1) problems.Add($"{Probe.Phase}: the daemon did not stop within 20 s of SIGTERM and was killed");
        notes.Add($"daemon exit code on SIGTERM: {code}");
        await DisposeChatsAsync();
        try
        {
            await Daemon.StartAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            problems.Add($"{Probe.Phase}: the daemon did not come back after a restart: {e.Message.Split('\n')[0]}");
            return;
        }
        mainChat = await ChatSession.OpenAsync(Daemon);
        evilChat = await ChatSession.OpenAsync(Daemon);
        if (await Probe.PingAsync(mainChat, FirstPingLimit)) Probe.Start(mainChat);
    }

    private void RecordPeakRss()
    {
        if (Daemon.Pid is not { } pid || !Daemon.IsRunning) return;
        try
        {
            // CPU time used (utime + stime, in clock ticks of 10 ms), a measurement only: a link-loop walk shows as a busy core.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            lock (peakRss) cpuSeconds.Add(ticks / 100.0);
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is null) return;
            var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            lock (peakRss) peakRss.Add(kb * 1024);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Adds a problem when <paramref name="covered"/> is false: the attack must really have happened, or a pass means nothing.</summary>
    public void RequireCoverage(bool covered, string what)
    {
        if (!covered && !Probe.Failed) problems.Add("the attack did not run as planned: " + what);
    }

    /// <summary>
    /// Ends the probe and lists what went wrong: victims changed, pings not answered, memory over the bound, a
    /// daemon that died. Also writes the measurements to the test output.
    /// </summary>
    public async Task<IReadOnlyList<string>> VerdictAsync()
    {
        if (!Probe.Failed && mainChat is not null)
        {
            Probe.Phase = "after the attack";
            await Probe.StopAsync();
            if (Daemon.IsRunning) await Probe.PingAsync(mainChat);
        }
        await Probe.StopAsync();
        RecordPeakRss();
        var all = new List<string>(problems);
        all.AddRange(Victims.Changes(before, Victims.Fingerprint()));
        all.AddRange(Probe.Failures);
        if (!Daemon.IsRunning && !Probe.Failed) all.Add("the daemon exited during the attack");
        var peak = peakRss.DefaultIfEmpty(0).Max();
        if (peak > MaxPeakRssBytes) all.Add($"the daemon's peak resident memory was {peak / 1048576} MB (bound {MaxPeakRssBytes / 1048576} MB)");

        var lat = Probe.LatenciesMs.Order().ToList();
        output.WriteLine($"attack {Attack}: pings answered {lat.Count}, latency p50 {Pct(lat, 0.5):0} ms, max {lat.DefaultIfEmpty(0).Max():0} ms; " +
            $"peak RSS per daemon run: {string.Join(", ", peakRss.Select(b => $"{b / 1048576} MB"))}; " +
            $"daemon CPU per run: {string.Join(", ", cpuSeconds.Select(c => $"{c:0.0} s"))}; evil launches {EvilLaunches}");
        foreach (var (ms, phase, ping) in Probe.Slowest) output.WriteLine($"  slow ping {ping}: {ms:0} ms during \"{phase}\"");
        foreach (var e in EvilEvents().Where(e => e.Event is "attack" or "attack-done" or "race" or "gone" or "close" or "exit"))
            output.WriteLine($"  evil: {e.Event} {e.Name} {e.Extra}");
        foreach (var note in notes) output.WriteLine("  note: " + note);
        foreach (var problem in all) output.WriteLine("  PROBLEM: " + problem);
        return all;
    }

    private static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

    private async Task DisposeChatsAsync()
    {
        if (mainChat is not null) await mainChat.DisposeAsync();
        if (evilChat is not null) await evilChat.DisposeAsync();
        mainChat = evilChat = null;
    }

    public async ValueTask DisposeAsync()
    {
        await Probe.DisposeAsync();
        await DisposeChatsAsync();
        if (Daemon.IsRunning && Probe.Failed)
        {
            // A frozen daemon does not honour SIGTERM; do not wait the harness's full grace for it.
            await Daemon.KillAsync();
        }
        await Daemon.DisposeAsync();
    }
}
