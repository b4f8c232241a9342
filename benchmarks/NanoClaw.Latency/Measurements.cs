using System.Text.Json;

namespace NanoClaw.Latency;

/// <summary>
/// The four SPEC §13 paths, each measured one sample at a time against the running daemon (a sample starts only
/// when the previous one has fully settled, so samples never queue behind each other).
/// </summary>
internal sealed class Measurements(DaemonUnderTest daemon, ChatSession chat, TextWriter progress)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const string Main = "main";

    public List<double> InboundToLaunch { get; } = [];
    public List<double> FollowUpToInputFile { get; } = [];
    public List<double> FollowUpToInputSeenByAgent { get; } = [];
    public List<double> IpcToDelivered { get; } = [];
    public List<double> TaskDueToLaunch { get; } = [];

    /// <summary>Every counted sample (path, from, to, container), for <c>--csv</c> and for breaking a path down offline.</summary>
    public List<(string Path, double FromMs, double ToMs, string Container)> Raw { get; } = [];

    /// <summary>
    /// Per cycle: a message to <c>main</c> with no container running (inbound → launch), then, once the agent is idle,
    /// a follow-up (→ input file written), then the harness closes the container the way the idle closer would.
    /// </summary>
    public async Task ChatPathsAsync(int samples, int warmup)
    {
        var inputDir = Path.Combine(daemon.IpcDir(Main), "input");
        Directory.CreateDirectory(inputDir);
        var inputs = new EventFeed<(double AtMs, string Name)>();
        using var watcher = new FileSystemWatcher(inputDir) { NotifyFilter = NotifyFilters.FileName };
        // The daemon writes name.json.tmp and renames it: the rename is the moment the agent can see the file.
        watcher.Renamed += (_, e) => { if (e.Name?.EndsWith(".json", StringComparison.Ordinal) == true) inputs.Add((Clock.NowMs(), e.Name)); };
        watcher.EnableRaisingEvents = true;

        for (var i = 0; i < warmup + samples; i++)
        {
            var counted = i >= warmup;
            var runtimeMark = daemon.Runtime.Events.Count;
            var chatMark = chat.Frames.Count;
            var logMark = daemon.Log.Count;

            var sent = await chat.SendAsync(Main, $"latency sample {i}: hello");
            var start = await daemon.Runtime.Events.WaitAsync(e => e.Kind == "start" && e.Name.StartsWith("nanoclaw-main-", StringComparison.Ordinal),
                runtimeMark, Patience, "a main container to start");
            if (counted) Record(InboundToLaunch, "inbound_to_launch", sent, start.AtMs, start.Name);
            await WaitIdleAsync(start.Name, 1, chatMark);

            runtimeMark = daemon.Runtime.Events.Count;
            chatMark = chat.Frames.Count;
            var inputMark = inputs.Count;
            var followUp = await chat.SendAsync(Main, $"latency sample {i}: and one more thing");
            var written = await inputs.WaitAsync(_ => true, inputMark, Patience, "the follow-up's input file");
            var seen = await daemon.Runtime.Events.WaitAsync(e => e.Kind == "input" && e.Name == start.Name, runtimeMark, Patience, "the agent to read the input");
            if (counted)
            {
                Record(FollowUpToInputFile, "followup_to_input_file", followUp, written.AtMs, start.Name);
                Record(FollowUpToInputSeenByAgent, "followup_to_agent_read", followUp, seen.AtMs, start.Name);
            }
            await WaitIdleAsync(start.Name, 2, chatMark);

            await CloseAsync(Main, start.Name, runtimeMark, logMark);
            Progress("chat", i, warmup, samples);
        }
    }

    /// <summary>An agent's IPC message file (written tmp + rename) → the reply frame read from the chat socket.</summary>
    public async Task IpcPathAsync(int samples, int warmup)
    {
        var dir = Path.Combine(daemon.IpcDir(Main), "messages");
        for (var i = 0; i < warmup + samples; i++)
        {
            var token = $"ipc-latency-{i}-{Guid.NewGuid():N}";
            var mark = chat.Frames.Count;
            var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = "message", ["chatJid"] = "local:main", ["text"] = token });
            var written = DaemonUnderTest.WriteAtomically(Path.Combine(dir, $"latency-{i}.json"), json);
            var delivered = await chat.Frames.WaitAsync(f => f.Frame.Type == "reply" && f.Frame.Text?.Contains(token, StringComparison.Ordinal) == true,
                mark, Patience, "the IPC message in the chat");
            if (i >= warmup) Record(IpcToDelivered, "ipc_to_delivered", written, delivered.AtMs, "");
            Progress("ipc", i, warmup, samples);
        }
    }

    /// <summary>
    /// A <c>once</c> task for the <c>tasks</c> group, scheduled over IPC to be due <paramref name="lead"/> from now;
    /// measured from its due time to its container's start. The harness then closes the container.
    /// </summary>
    public async Task TaskPathAsync(int samples, int warmup, TimeSpan lead)
    {
        var dir = Path.Combine(daemon.IpcDir(Main), "tasks");
        for (var i = 0; i < warmup + samples; i++)
        {
            var runtimeMark = daemon.Runtime.Events.Count;
            var logMark = daemon.Log.Count;
            var now = DateTimeOffset.UtcNow;
            var due = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero) + lead;
            var json = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["type"] = "schedule_task",
                ["prompt"] = $"latency task {i}",
                ["schedule_type"] = "once",
                ["schedule_value"] = due.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture),
                ["context_mode"] = "isolated",
                ["targetJid"] = "local:tasks",
            });
            DaemonUnderTest.WriteAtomically(Path.Combine(dir, $"latency-task-{i}.json"), json);
            var start = await daemon.Runtime.Events.WaitAsync(e => e.Kind == "start" && e.Name.StartsWith("nanoclaw-tasks-", StringComparison.Ordinal),
                runtimeMark, Patience, $"task {i}'s container to start");
            if (i >= warmup) Record(TaskDueToLaunch, "task_due_to_launch", Clock.ToMs(due), start.AtMs, start.Name);
            await daemon.Runtime.Events.WaitAsync(e => e.Kind == "idle" && e.Name == start.Name, runtimeMark, Patience, "the task's first turn");
            await CloseAsync("tasks", start.Name, runtimeMark, logMark);
            Progress("tasks", i, warmup, samples);
        }
    }

    /// <summary>
    /// The agent's turn is over when the daemon has sent its reply and switched typing off (it folded the
    /// <c>result: null</c> record), so the next message is piped at once rather than waiting for the turn.
    /// </summary>
    private async Task WaitIdleAsync(string container, int turn, int chatMark)
    {
        var reply = await chat.Frames.WaitAsync(f => f.Frame.Type == "reply" && f.Frame.Text?.Contains($"fake reply {turn} from {container}", StringComparison.Ordinal) == true,
            chatMark, Patience, $"turn {turn} of {container} in the chat");
        await chat.Frames.WaitAsync(f => f.Frame.Type == "typing" && f.Frame.On == false, chatMark, Patience, $"{container} to go idle");
        _ = reply;
    }

    /// <summary>Closes a container as the idle closer would, and waits until the daemon has seen it end.</summary>
    private async Task CloseAsync(string folder, string container, int runtimeMark, int logMark)
    {
        DaemonUnderTest.WriteAtomically(Path.Combine(daemon.IpcDir(folder), "input", "_close"), "");
        await daemon.Runtime.Events.WaitAsync(e => e.Kind == "exit" && e.Name == container, runtimeMark, Patience, $"{container} to exit");
        await daemon.WaitForEndedAsync(container, logMark);
        await Task.Delay(5); // the exit event is posted right after that log line
    }

    private void Record(List<double> samples, string path, double from, double to, string container)
    {
        samples.Add(to - from);
        Raw.Add((path, from, to, container));
    }

    private void Progress(string what, int i, int warmup, int samples)
    {
        var done = i + 1 - warmup;
        if (done > 0 && (done % 50 == 0 || done == samples)) progress.WriteLine($"  {what}: {done}/{samples}");
    }
}
