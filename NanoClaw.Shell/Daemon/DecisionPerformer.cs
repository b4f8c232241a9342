using System.Collections.Concurrent;
using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Pipeline;
using NanoClaw.Core.Routing;
using NanoClaw.Core.Scheduling;
using NanoClaw.Shell.Containers;
using NanoClaw.Shell.Store;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// Performs the core's decisions: launches containers, writes IPC input and close sentinels, sends text, keeps
/// cursors, sessions and task results in the store, and arms timers. Results go back to the loop as events.
/// Runs on the event-loop thread; anything slow is started, not awaited. Work on a group's agent-writable files
/// (prepare + start, input files, <c>_close</c>) never runs here: it goes to that group's serial worker
/// (<see cref="GroupWorkQueue"/>), so an agent's file system can never freeze the loop (F4).
/// </summary>
public sealed class DecisionPerformer
{
    private readonly NanoClawStore store;
    private readonly ContainerRunner runner;
    private readonly OutboundRouter outbound;
    private readonly Action<PipelineEvent> post;
    private readonly TimeProvider clock;
    private readonly TimeZoneInfo zone;
    private readonly Func<Map<string, string>> containerSecrets;
    private readonly Action tasksChanged;
    private readonly ILogger log;
    // Measurements only (task durations, the shutdown count); every decision comes from the core.
    private readonly ConcurrentDictionary<string, DateTimeOffset> taskStarts = new();
    private int runningCount;
    private readonly EventTimers timers;
    private readonly GroupWorkQueue files;
    private readonly Usage.UsageRecorder usage;
    // Facts for `nanoclaw status` (name and start of each group's container); no decision reads them.
    private readonly ConcurrentDictionary<string, RunningContainer> facts = new();

    private sealed record RunningContainer(string Folder, DateTimeOffset StartedAt, string? Name = null);

    public DecisionPerformer(NanoClawStore store, ContainerRunner runner, OutboundRouter outbound, Action<PipelineEvent> post,
        TimeProvider clock, TimeZoneInfo zone, Func<Map<string, string>> containerSecrets, Action tasksChanged, ILogger log)
    {
        files = new GroupWorkQueue(log);
        timers = new EventTimers(clock, post);
        this.store = store;
        this.runner = runner;
        this.outbound = outbound;
        this.post = post;
        this.clock = clock;
        this.zone = zone;
        this.containerSecrets = containerSecrets;
        this.tasksChanged = tasksChanged;
        this.log = log;
        usage = new Usage.UsageRecorder(store, clock, log);
    }

    /// <summary>Containers started by this daemon that have not exited yet.</summary>
    public int RunningCount => Volatile.Read(ref runningCount);

    /// <summary>Timers armed for the core and not yet fired.</summary>
    public int ArmedTimers => timers.Count;

    /// <summary>Name (once started) and launch time of each running container, by group jid (for <c>nanoclaw status</c>).</summary>
    public Map<string, Core.Status.ContainerFacts> Containers() =>
        toMap(facts.Select(p => (p.Key, new Core.Status.ContainerFacts(Optional(p.Value.Name), p.Value.StartedAt))));

    /// <summary>Raised when a container's facts change off the event loop (its name became known); the dashboard listens.</summary>
    public event Action? ContainersChanged;

    /// <summary>Called when the daemon stops: timers no longer feed the loop.</summary>
    public void BeginShutdown() => timers.Dispose();

    public void Perform(Seq<Decision> decisions)
    {
        foreach (var decision in decisions) Perform(decision);
    }

    private void Perform(Decision decision)
    {
        switch (decision)
        {
            case Decision.LaunchContainer launch:
                Launch(launch);
                break;
            case Decision.WriteInput input:
                Metrics?.MessagePiped(input.GroupJid);
                OnFiles(input.Folder, folder => runner.WriteInput(folder, input.Text));
                break;
            case Decision.WriteClose close:
                log.Information("Closing the agent of {Folder} (run {Run})", close.Folder, close.RunId);
                OnFiles(close.Folder, runner.WriteCloseSentinel);
                break;
            case Decision.ArmTimer arm:
                if (arm.Key is TimerKey.Retry retry)
                    log.Warning("Agent run for {Group} failed; retry {Attempt} in {Delay}", retry.Group, retry.Attempt, arm.Delay);
                timers.Arm(arm.Key, arm.Delay);
                break;
            case Decision.CancelTimer cancel:
                timers.Cancel(cancel.Key);
                break;
            case Decision.SendMessage send:
                _ = outbound.SendAsync(send.ChatJid, send.Text);
                break;
            case Decision.SetTyping typing:
                _ = outbound.SetTypingAsync(typing.ChatJid, typing.On);
                break;
            case Decision.AdvanceCursor cursor:
                store.RouterState.SetLastAgentTimestamp(cursor.ChatJid, cursor.Timestamp);
                break;
            case Decision.SaveSession session:
                store.Sessions.Set(session.GroupFolder, session.SessionId);
                break;
            case Decision.RetriesExhausted exhausted:
                log.Error("Agent for {Group} failed after every retry; its messages wait for the next inbound message", exhausted.GroupJid);
                break;
            case Decision.TaskFinished finished:
                FinishTask(finished);
                break;
            default:
                log.Warning("Unhandled decision {Decision}", decision.GetType().Name);
                break;
        }
    }

    private void Launch(Decision.LaunchContainer launch)
    {
        var group = store.Groups.Get(launch.GroupJid).IfNone(() =>
            new RegisteredGroup(launch.GroupJid, launch.Folder, launch.Folder, "", "", None, true, launch.IsMain));
        var session = launch.Task.Case is ScheduledTask { ContextMode: ContextMode.Isolated }
            ? Option<string>.None
            : store.Sessions.Get(launch.Folder);
        var input = new ContainerInput(launch.Prompt, session, launch.Folder, launch.GroupJid, launch.IsMain,
            launch.IsScheduledTask, AssistantName, launch.Task.Bind(t => t.Script), containerSecrets());
        var request = new ContainerRunRequest(group, input, store.Tasks.ListAll(), AvailableGroups(), Seq<(string, string)>());
        var startedAt = clock.GetUtcNow();
        Interlocked.Increment(ref runningCount);
        launch.Task.IfSome(t => taskStarts[t.Id] = startedAt);
        facts[launch.GroupJid] = new RunningContainer(launch.Folder, startedAt);
        if (!launch.IsScheduledTask) _ = outbound.SetTypingAsync(launch.GroupJid, true);
        Metrics?.RunLaunched(launch.GroupJid, launch.Folder, launch.IsScheduledTask);

        // Until the runtime is up and orphans are stopped (the daemon's start), the start waits on the group's worker,
        // holding that group's later file work behind it; afterwards it is queued as it always was.
        if (RuntimeReady.IsCompletedSuccessfully && RuntimeReady.Result)
            files.Enqueue(launch.Folder, () => StartRun(launch, request, runtimeUp: true));
        else
            files.Enqueue(launch.Folder, async () => StartRun(launch, request, await RuntimeUpAsync()));
    }

    private async Task<bool> RuntimeUpAsync()
    {
        try
        {
            return await RuntimeReady;
        }
        catch (Exception)
        {
            return false; // the start then fails as a start does (and the group's run is ended), never hangs
        }
    }

    /// <summary>
    /// True once the container runtime answers and the earlier run's orphans are stopped; false when it did not come up
    /// (each start waiting for it then fails as a start does). Complete by default (tests, tools).
    /// </summary>
    public Task<bool> RuntimeReady { get; init; } = Task.FromResult(true);

    /// <summary>On the group's worker: prepares the directories, writes the snapshots and starts the container.</summary>
    private void StartRun(Decision.LaunchContainer launch, ContainerRunRequest request, bool runtimeUp)
    {
        Either<string, ContainerRun> started;
        try
        {
            started = runtimeUp ? runner.Start(request) : "the container runtime is not up";
        }
        catch (Exception e)
        {
            started = $"cannot start: {e.Message}";
        }
        started.Match(
            Right: run =>
            {
                log.Information("Started {Container} for {Folder}{Task} (run {Run})", run.Name, launch.Folder,
                    launch.Task.Match(t => $" (task {t.Id})", () => ""), launch.RunId);
                facts.AddOrUpdate(launch.GroupJid, _ => new RunningContainer(launch.Folder, clock.GetUtcNow(), run.Name), (_, r) => r with { Name = run.Name });
                ContainersChanged?.Invoke();
                var runId = usage.RunStarted(run.Name, launch.Folder, launch.GroupJid, launch.Task.Map(t => t.Id), clock.GetUtcNow());
                run.Outputs.Subscribe(
                    output =>
                    {
                        usage.Output(runId, output);
                        output.Usage.IfSome(u => Metrics?.AgentTurn(launch.Folder, u));
                        post(new PipelineEvent.ContainerOutput(launch.GroupJid, output));
                    },
                    error => log.Error("Output stream of {Container} failed: {Error}", run.Name, error.Message));
                _ = ReportExitAsync(launch.GroupJid, launch.Folder, run, runId);
            },
            Left: reason =>
            {
                log.Error("Could not start a container for {Folder}: {Reason}", launch.Folder, reason);
                Interlocked.Decrement(ref runningCount);
                facts.TryRemove(launch.GroupJid, out _);
                Metrics?.RunEnded(launch.Folder, Core.Usage.RunOutcomes.Error);
                post(new PipelineEvent.ContainerExited(launch.GroupJid, false));
            });
    }

    private async Task ReportExitAsync(string groupJid, string folder, ContainerRun run, Option<long> runId)
    {
        var success = false;
        try
        {
            var result = await run.Completion;
            success = result.Status == OutputStatus.Success;
            usage.RunEnded(runId, result);
            Metrics?.RunEnded(folder, Core.Usage.RunOutcomes.Of(result));
            log.Information("Container {Container} ended: exit {Exit}{Timeout}, {Status} in {Duration}", run.Name, result.ExitCode,
                result.TimedOut ? " (timed out)" : "", result.Status, result.Duration);
        }
        catch (Exception e)
        {
            log.Error("Container {Container} failed: {Error}", run.Name, e.Message);
            usage.RunFailed(runId, e.Message);
            Metrics?.RunEnded(folder, Core.Usage.RunOutcomes.Error);
        }
        Interlocked.Decrement(ref runningCount);
        facts.TryRemove(groupJid, out _);
        post(new PipelineEvent.ContainerExited(groupJid, success));
    }

    /// <summary>Set by the host; counts runs, latencies and usage (none in tests that build a performer alone).</summary>
    public Telemetry.NanoClawMetrics? Metrics { get; init; }

    /// <summary>Set by the host; the name agents answer to.</summary>
    public string AssistantName { get; init; } = "Andy";

    private Seq<AvailableGroup> AvailableGroups()
    {
        var registered = store.Groups.All().Map(g => g.Jid).ToHashSet();
        return store.Messages.AllChats()
            .Filter(c => c.IsGroup)
            .OrderByDescending(c => c.LastMessageTime, StringComparer.Ordinal)
            .Select(c => new AvailableGroup(c.Jid, c.Name, c.LastMessageTime, registered.Contains(c.Jid)))
            .ToSeq();
    }

    private void FinishTask(Decision.TaskFinished finished)
    {
        var task = finished.Task;
        var now = clock.GetUtcNow();
        var startedAt = taskStarts.TryRemove(task.Id, out var at) ? at : now;
        var duration = (long)Math.Max(0, (now - startedAt).TotalMilliseconds);
        var lastResult = finished.Success
            ? finished.Result.Map(t => t.Length > 200 ? t[..200] : t).IfNone("")
            : "Error: " + finished.Error.IfNone("unknown error");
        store.RunLogs.Log(new TaskRunLog(task.Id, IsoTimestamp.From(startedAt), duration,
            finished.Success ? RunStatus.Success : RunStatus.Error, finished.Result, finished.Error));

        if (!GroupFolderIsValid(task.GroupFolder))
        {
            store.Tasks.SetStatus(task.Id, Core.Domain.TaskStatus.Paused);
            log.Error("Task {TaskId} has an invalid folder '{Folder}'; paused", task.Id, task.GroupFolder);
        }
        else
        {
            var scheduledFor = task.NextRun.Bind(IsoTimestamp.Parse).IfNone(now);
            var next = ScheduleRules.Parse(task.ScheduleType, task.ScheduleValue, zone)
                .Match(s => ScheduleRules.NextRun(s, scheduledFor, now), _ => Option<DateTimeOffset>.None);
            store.Tasks.AfterRun(task.Id, next.Map(IsoTimestamp.From), now, lastResult);
        }
        log.Information("Task {TaskId} finished: {Outcome}", task.Id, finished.Success ? "success" : lastResult);
        tasksChanged();
    }

    private static bool GroupFolderIsValid(string folder) => Core.Groups.GroupFolder.IsValid(folder);

    /// <summary>
    /// Queues <paramref name="act"/> on the group's file worker, after its start and earlier writes. A write for a run
    /// that has just exited lands in an input directory the next start clears, so it cannot reach another run.
    /// </summary>
    private void OnFiles(string folder, Action<string> act) =>
        files.Enqueue(folder, () =>
        {
            try
            {
                act(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Error("IPC write for {Folder} failed: {Error}", folder, e.Message);
            }
        });
}
