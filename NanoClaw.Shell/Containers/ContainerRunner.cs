using System.Reactive.Subjects;
using CliWrap;
using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Groups;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Containers;

/// <summary>
/// Runs one agent container for a group (SPEC §7): prepares its directories, plans and checks its mounts, starts
/// <c>run -i --rm</c> with the configured limits, writes the input JSON to stdin and closes it, streams stdout records as
/// they come, enforces the hard timeout (restarted by every record) and the absolute maximum run time (never restarted),
/// and writes the per-run log with secrets removed.
/// </summary>
public sealed class ContainerRunner
{
    private readonly ContainerRuntime runtime;
    private readonly ContainerRunnerOptions options;
    private readonly Func<string, string> redact;
    private readonly ILogger log;
    private readonly TimeProvider time;

    /// <param name="redact">Removes every secret from text bound for logs and files (the shell's secret redactor).</param>
    public ContainerRunner(ContainerRuntime runtime, ContainerRunnerOptions options, Func<string, string> redact, ILogger log, TimeProvider time)
    {
        this.runtime = runtime;
        this.options = options;
        this.redact = redact;
        this.log = log.ForContext<ContainerRunner>();
        this.time = time;
        Directories = new GroupDirectories(options.GroupsDir, options.DataDir, options.RunLogsDir, time, this.log, options.AgentOwner);
    }

    /// <summary>
    /// Per-run credentials (the credential proxy's socket and token), asked for with the container's name once it is
    /// known; merged over the request's environment. Null: the request's environment is used as it is.
    /// </summary>
    public Func<string, RunCredentials>? CredentialsFor { get; init; }

    /// <summary>The group directories the runner prepares (also used to pipe input and close idle agents).</summary>
    public GroupDirectories Directories { get; }

    /// <summary>Asks the group's agent to finish (the caller decides when the group is idle).</summary>
    public void WriteCloseSentinel(string folder) => Directories.WriteCloseSentinel(folder);

    /// <summary>Pipes a follow-up message into the group's running agent.</summary>
    public string WriteInput(string folder, string text) => Directories.WriteInput(folder, text);

    /// <summary>
    /// Prepares and starts a run. Fails (left) only when the group cannot be run at all: an invalid folder or
    /// directories that cannot be created. Everything after the start is reported through the returned run.
    /// </summary>
    public Either<string, ContainerRun> Start(ContainerRunRequest request, CancellationToken ct = default)
    {
        var group = request.Group;
        var folderError = GroupFolder.Validate(group.Folder).Match(_ => None, e => Some(e));
        if (folderError.IsSome) return folderError.First();
        try
        {
            Directories.Prepare(group.Folder);
            Directories.WriteSnapshots(group.Folder, group.IsMain, request.Tasks, request.AvailableGroups);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot prepare the directories of {group.Folder}: {e.Message}";
        }

        var allowlist = AdditionalMounts.LoadAllowlist(options.AllowlistPath, log);
        var (extras, rejected) = AdditionalMounts.Resolve(group, allowlist, log);
        var globalExists = Directory.Exists(Path.Combine(options.GroupsDir, GroupFolder.Global));
        var startedAt = time.GetUtcNow();
        var name = ContainerNaming.Name(group.Folder, startedAt.ToUnixTimeMilliseconds());
        RunCredentials? credentials;
        try
        {
            credentials = CredentialsFor?.Invoke(name);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException or ArgumentException)
        {
            return $"cannot open the credential proxy for {group.Folder}: {e.Message}";
        }
        if (credentials is not null) request = request with { Input = request.Input with { Secrets = request.Input.Secrets.AddOrUpdateRange(credentials.Environment) } };
        var planned = MountPlanner.Plan(PlanRequest(group.Folder, group.IsMain, globalExists, extras) with
        {
            ApiSocket = credentials is null ? None : credentials.ApiSocket,
        });
        if (planned.IsLeft)
        {
            credentials?.Release.Dispose();
            return planned.Match(_ => "", e => e);
        }
        var plan = planned.Match(p => p, _ => throw new InvalidOperationException());
        foreach (var (mount, reason) in plan.Dropped)
        {
            log.Warning("Mount {Host} refused for {Folder}: {Reason}", mount.HostPath, group.Folder, reason);
            rejected = rejected.Add($"{mount.HostPath}: {reason}");
        }

        // A root daemon runs the container as the dedicated agent uid it handed the writable mounts to (F17).
        var (uid, gid) = options.AgentOwner ?? (options.HostUid, options.HostGid);
        var spec = new ContainerRunSpec(name, plan.Mounts, options.TimeZone, uid, gid, options.Image, request.ExtraEnv)
        {
            Network = options.Network,
            Limits = options.Limits,
            Rootless = options.HostUid != 0, // the daemon's own uid (the run-as uid above is agent_uid for a root daemon)
        };
        // The runner inside learns the host's timeouts, so it can end on its own when the host is gone (issue 20).
        request = request with
        {
            Input = request.Input with
            {
                IdleTimeoutMs = request.Input.IdleTimeoutMs.IfNone(options.IdleTimeoutMs),
                MaxRunMs = request.Input.MaxRunMs.IfNone(options.MaxRunMs),
            },
        };
        var args = RuntimeCommand.Run(runtime.Cli, spec);
        var outputs = new ReplaySubject<ContainerOutput>();
        var run = new RunState(this, request, name, args, plan.Mounts, rejected, outputs, startedAt);
        run.ArmTimeout();
        var completion = Task.Run(async () =>
        {
            try
            {
                return await run.ExecuteAsync(ct);
            }
            finally
            {
                credentials?.Release.Dispose();
            }
        }, CancellationToken.None);
        return new ContainerRun(name, outputs, completion, plan.Mounts);
    }

    /// <summary>
    /// The planner's input: NanoClaw's own directories, the secrets main's project view must hide (those that
    /// exist: a mount needs an existing target), the read-only skills and the empty directory used as a shadow.
    /// </summary>
    private MountPlanRequest PlanRequest(string folder, bool isMain, bool globalExists, Seq<VolumeMount> extras)
    {
        var request = new MountPlanRequest(options.ProjectRoot, options.GroupsDir, options.DataDir, folder, isMain, globalExists, extras)
        {
            StoreDir = options.StoreDir,
            LogsDir = options.LogsDir,
            CredentialsFile = options.CredentialsFile,
            SkillsDir = Directory.Exists(options.SkillsDir) ? Some(options.SkillsDir) : None,
            EmptyDir = Directories.EmptyDir,
            ProtectedDirs = options.ProtectedDirs,
        };
        if (!isMain) return request;
        var existing = MountPlanner.HiddenFromProject(request)
            .Choose(p => Directory.Exists(p) ? Some(new HiddenPath(p, true))
                : File.Exists(p) || new FileInfo(p).LinkTarget is not null ? Some(new HiddenPath(p, false))
                : None);
        return request with { ExistingHidden = existing.ToSeq() };
    }

    /// <summary>The moving parts of one run.</summary>
    private sealed class RunState(
        ContainerRunner owner,
        ContainerRunRequest request,
        string name,
        Seq<string> args,
        Seq<VolumeMount> mounts,
        Seq<string> rejected,
        ReplaySubject<ContainerOutput> outputs,
        DateTimeOffset startedAt)
    {
        private readonly CappedText stdout = new(owner.options.MaxOutputSizeBytes);
        private readonly CappedText stderr = new(owner.options.MaxOutputSizeBytes);
        private readonly CancellationTokenSource forceful = new();
        private readonly object gate = new();
        private ITimer? hardTimer;
        private ITimer? maxRunTimer;
        private ITimer? lastResort;
        private Task? stopping;
        private bool timedOut;
        private StopCause stopCause = StopCause.None;
        private bool hadOutput;
        private string lastStderr = "";

        private ILogger Log => owner.log;
        private TimeSpan HardTimeout => TimeoutRules.HardTimeout(
            request.Group.ContainerConfig.Bind(c => c.TimeoutMs), owner.options.DefaultTimeoutMs, owner.options.IdleTimeoutMs);
        private TimeSpan MaxRun => TimeoutRules.MaxRun(owner.options.MaxRunMs);

        private long clock;

        /// <summary>Starts the clock and the hard timeout, synchronously, so time driven by a test counts from Start.</summary>
        public void ArmTimeout()
        {
            clock = owner.time.GetTimestamp();
            var hard = HardTimeout;
            hardTimer = owner.time.CreateTimer(_ => Stop($"hard timeout of {hard.TotalSeconds:0}s reached", StopCause.HardTimeout), null, hard, Timeout.InfiniteTimeSpan);
            // Never re-armed: records restart the hard timeout, not this one (F7).
            var max = MaxRun;
            maxRunTimer = owner.time.CreateTimer(_ => Stop($"maximum run time of {max.TotalSeconds:0}s reached", StopCause.MaxRunTime), null, max, Timeout.InfiniteTimeSpan);
        }

        public async Task<ContainerRunResult> ExecuteAsync(CancellationToken ct)
        {
            var hard = HardTimeout;
            var input = ContainerJson.Serialize(request.Input);
            Log.Information("Starting container {Name} for {Folder} ({Mounts} mounts, hard timeout {Timeout:0}s)",
                name, request.Group.Folder, mounts.Count, hard.TotalSeconds);
            int exitCode;
            Option<string> startError = None;
            using (ct.Register(() => Stop("shutdown requested", StopCause.Requested)))
            {
                try
                {
                    var result = await CliWrap.Cli.Wrap(owner.runtime.Executable)
                        .WithArguments(args)
                        .WithStandardInputPipe(PipeSource.FromString(input))
                        .WithStandardOutputPipe(PipeTarget.Create(ReadStdoutAsync))
                        .WithStandardErrorPipe(PipeTarget.ToDelegate(OnStderrLine))
                        .WithValidation(CommandResultValidation.None)
                        .ExecuteAsync(forceful.Token);
                    exitCode = result.ExitCode;
                }
                catch (OperationCanceledException)
                {
                    exitCode = 137;
                }
                catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
                {
                    exitCode = -1;
                    startError = $"cannot start {owner.runtime.Executable}: {e.Message}";
                }
            }
            Task? stop;
            lock (gate)
            {
                hardTimer?.Dispose();
                maxRunTimer?.Dispose();
                stop = stopping;
            }
            if (stop is not null) await stop;
            lastResort?.Dispose();

            var duration = owner.time.GetElapsedTime(clock);
            bool produced;
            StopCause cause;
            string stderrTail;
            lock (gate) { cause = stopCause; produced = hadOutput; stderrTail = lastStderr; }
            var outcome = startError.Match(
                Some: e => new ContainerRunResult(exitCode, false, produced, OutputStatus.Error, Some(e), duration),
                None: () => TimeoutRules.Outcome(exitCode, cause, produced, duration, hard, MaxRun, owner.options.Limits, owner.redact(stderrTail)));
            var logFile = WriteRunLog(outcome);
            Log.Information("Container {Name} finished in {Duration:0} ms: exit {Exit}, {Status}{Error}; run log {RunLog}",
                name, duration.TotalMilliseconds, outcome.ExitCode, outcome.Status, outcome.Error.Map(x => " — " + x).IfNone(""), logFile);
            outputs.OnCompleted();
            forceful.Dispose();
            return outcome;
        }

        private async Task ReadStdoutAsync(Stream stream, CancellationToken token)
        {
            var buffer = new byte[64 * 1024];
            var state = OutputRecordParser.Initial;
            int n;
            while ((n = await stream.ReadAsync(buffer, token)) > 0)
            {
                var step = OutputRecordParser.Feed(state, buffer.AsSpan(0, n));
                state = step.State;
                foreach (var item in step.Items) Handle(item);
            }
            foreach (var item in OutputRecordParser.Finish(state)) Handle(item);
        }

        private void Handle(ParsedOutput item)
        {
            switch (item)
            {
                case ParsedRecord r:
                    lock (gate)
                    {
                        hadOutput = true;
                        // The hard timeout restarts at every record; once stopping, it stays stopped.
                        if (!timedOut) hardTimer?.Change(HardTimeout, Timeout.InfiniteTimeSpan);
                    }
                    stdout.AppendLine(ContainerJson.Frame(r.Output).TrimEnd('\n'));
                    try { outputs.OnNext(r.Output); }
                    catch (Exception e) { Log.Error(e, "Output subscriber of {Name} failed", name); }
                    break;
                case ParsedLogLine l:
                    stdout.AppendLine(l.Text);
                    Log.Debug("[{Name}] {Line}", name, owner.redact(l.Text));
                    break;
                case ParsedRecordError e:
                    stdout.AppendLine(e.Raw);
                    Log.Warning("Container {Name} printed an unusable record: {Reason}", name, e.Reason);
                    break;
            }
        }

        private void OnStderrLine(string line)
        {
            stderr.AppendLine(line);
            if (line.Trim().Length > 0)
            {
                // Quoted in the outcome's reason: one line, no control characters (no forged log lines), no input secret.
                var tail = new string(line.Select(c => char.IsControl(c) ? '?' : c).ToArray());
                foreach (var secret in request.Input.Secrets.Values.Where(v => v.Length > 0)) tail = tail.Replace(secret, "[REDACTED]", StringComparison.Ordinal);
                lock (gate) lastStderr = tail.Length > 300 ? tail[..300] + "…" : tail;
            }
            Log.Debug("[{Name} stderr] {Line}", name, owner.redact(line));
        }

        private void Stop(string why, StopCause cause)
        {
            lock (gate)
            {
                if (stopping is not null) return;
                if (cause is StopCause.HardTimeout or StopCause.MaxRunTime) timedOut = true;
                stopCause = cause;
                Log.Warning("Stopping container {Name}: {Why}", name, why);
                stopping = StopAsync();
            }
        }

        private async Task StopAsync()
        {
            await owner.runtime.StopAsync(name, owner.options.StopGrace);
            // If the CLI client still has not returned soon after, end it: the container is stopped or killed by now.
            lastResort = owner.time.CreateTimer(_ =>
            {
                try { forceful.Cancel(); } catch (ObjectDisposedException) { }
            }, null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
        }

        private string WriteRunLog(ContainerRunResult outcome)
        {
            try
            {
                var entry = new RunLogEntry(startedAt, request.Group.Name, request.Group.Folder, request.Group.IsMain, name,
                    owner.runtime.Executable + " " + string.Join(' ', args), mounts, rejected, outcome,
                    RunLog.SafeInput(request.Input), stdout.ToString(), stdout.Truncated, stderr.ToString(), stderr.Truncated);
                var text = owner.redact(RunLog.Render(entry, owner.options.VerboseRunLogs));
                foreach (var secret in request.Input.Secrets.Values.Where(s => s.Length > 0)) text = text.Replace(secret, "[REDACTED]", StringComparison.Ordinal);
                return owner.Directories.WriteRunLog(request.Group.Folder, startedAt, text);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.Warning("Cannot write the run log of {Name}: {Error}", name, e.Message);
                return "(not written)";
            }
        }
    }
}
