using NanoClaw.Core.Queue;

namespace NanoClaw.Benchmarks;

/// <summary>Seeded queue workloads shared by the queue suites (the same inputs every run, so runs compare).</summary>
internal static class QueueScripts
{
    /// <summary>
    /// A plausible day: mostly messages, some tasks, containers turning idle and exiting, over <paramref name="groups"/>
    /// groups (seed 42).
    /// </summary>
    public static QueueEvent[] Mixed(int events, int groups)
    {
        var random = new Random(42);
        var live = new HashSet<int>();
        var list = new List<QueueEvent>(events);
        while (list.Count < events)
        {
            var g = random.Next(groups);
            var group = $"g{g}@g.us";
            var roll = random.Next(100);
            list.Add(live.Contains(g) && roll < 40
                ? roll < 20 ? new QueueEvent.ContainerIdle(group) : new QueueEvent.ContainerExited(group, roll < 36 ? RunOutcome.Success : RunOutcome.Failure)
                : roll < 85 ? new QueueEvent.MessagesArrived(group) : new QueueEvent.TaskDue(group, $"task{random.Next(3)}"));
            if (list[^1] is QueueEvent.MessagesArrived or QueueEvent.TaskDue) live.Add(g);
            if (list[^1] is QueueEvent.ContainerExited) live.Remove(g);
        }
        return [.. list];
    }

    /// <summary>Folds events through the queue; returns the final state and how many commands were emitted.</summary>
    public static (QueueState State, int Commands) Run(QueueState state, IEnumerable<QueueEvent> events)
    {
        var commands = 0;
        foreach (var e in events)
        {
            var (next, emitted) = GroupQueue.Update(state, e);
            state = next;
            commands += emitted.Count;
        }
        return (state, commands);
    }

    /// <summary>
    /// Folds a burst of events, then lets every running container exit (success) until nothing runs; returns the drained
    /// state and the command count. Like the shell (and v1's driver in the side-by-side run, which keeps a map of the runs it
    /// started), the driver learns which containers run from the start commands it performed, oldest first, instead of
    /// enumerating the queue's state for every exit.
    /// </summary>
    public static (QueueState State, int Commands) BurstThenDrain(QueueState state, QueueEvent[] burst)
    {
        var started = new Queue<string>();
        var commands = 0;
        foreach (var e in burst)
        {
            var (next, emitted) = GroupQueue.Update(state, e);
            state = next;
            commands += Track(emitted, started);
        }
        while (started.TryDequeue(out var group))
        {
            var (next, emitted) = GroupQueue.Update(state, new QueueEvent.ContainerExited(group, RunOutcome.Success));
            state = next;
            commands += Track(emitted, started);
        }
        return state.Running.IsEmpty ? (state, commands) : throw new InvalidOperationException("drain left containers running");
    }

    private static int Track(LanguageExt.Seq<QueueCommand> emitted, Queue<string> started)
    {
        for (var i = 0; i < emitted.Count; i++)
            if (emitted[i] is QueueCommand.StartMessageContainer or QueueCommand.StartTaskContainer)
                started.Enqueue(emitted[i].Group);
        return emitted.Count;
    }

    /// <summary>
    /// A saturated steady state that starts one container per step: <paramref name="groups"/> groups all waiting behind
    /// a cap of <paramref name="cap"/>; each step, the oldest running container exits (its slot goes to the head of the
    /// line) and that group gets a new message (so it joins the back). Returns the state after <paramref name="starts"/> steps.
    /// </summary>
    public static QueueState Saturated(int groups, int cap, int starts)
    {
        var state = QueueState.Initial(cap);
        for (var g = 0; g < groups; g++)
            state = GroupQueue.Update(state, new QueueEvent.MessagesArrived(Group(g))).State;
        for (var i = 0; i < starts; i++)
            state = StartNext(state, i, groups);
        return state;
    }

    /// <summary>One step of <see cref="Saturated"/>: group <c>i mod groups</c> exits and gets a new message.</summary>
    public static QueueState StartNext(QueueState state, int i, int groups)
    {
        var group = Group(i % groups);
        state = GroupQueue.Update(state, new QueueEvent.ContainerExited(group, RunOutcome.Success)).State;
        return GroupQueue.Update(state, new QueueEvent.MessagesArrived(group)).State;
    }

    private static string Group(int g) => $"g{g}@g.us";
}
