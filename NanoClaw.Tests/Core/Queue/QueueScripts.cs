using FsCheck;
using FsCheck.Fluent;
using LanguageExt;
using NanoClaw.Core.Queue;
using static NanoClaw.Core.Queue.QueueEvent;

namespace NanoClaw.Tests.Core.Queue;

/// <summary>A generated run of the queue: a cap and an arbitrary sequence of events.</summary>
public sealed record QueueScript(int MaxConcurrent, QueueEvent[] Events)
{
    public override string ToString() =>
        $"cap {MaxConcurrent}: " + string.Join(", ", Events.Select(Describe));

    public static string Describe(QueueEvent e) => e switch
    {
        MessagesArrived m => $"msg({m.Group})",
        TaskDue t => $"task({t.Group},{t.TaskId})",
        ContainerIdle i => $"idle({i.Group})",
        ContainerExited x => $"exit({x.Group},{x.Outcome})",
        RetryDue r => $"retry({r.Group},{r.Attempt})",
        Shutdown => "shutdown",
        _ => e.ToString(),
    };
}

/// <summary>A script without shutdown, plus the outcomes used while draining it.</summary>
public sealed record DrainScript(QueueScript Script, bool[] DrainFailures)
{
    public override string ToString() => $"{Script} | drain failures: {string.Join("", DrainFailures.Select(f => f ? 'F' : 's'))}";
}

/// <summary>FsCheck generators: few groups and task ids, so events collide with running containers often.</summary>
public static class QueueArbitraries
{
    private static readonly string[] Groups = ["g0", "g1", "g2", "g3", "g4", "g5"];

    private static Gen<string> Group => Gen.Elements(Groups);

    private static Gen<QueueEvent> Event(bool withShutdown)
    {
        var choices = new List<(int, Gen<QueueEvent>)>
        {
            (6, Group.Select(g => (QueueEvent)new MessagesArrived(g))),
            (4, Group.SelectMany(g => Gen.Choose(0, 3).Select(i => (QueueEvent)new TaskDue(g, $"{g}/t{i}")))),
            (5, Group.Select(g => (QueueEvent)new ContainerIdle(g))),
            (5, Group.SelectMany(g => Gen.Elements(RunOutcome.Success, RunOutcome.Failure, RunOutcome.Failure)
                .Select(o => (QueueEvent)new ContainerExited(g, o)))),
            (3, Group.SelectMany(g => Gen.Choose(0, 6).Select(a => (QueueEvent)new RetryDue(g, a)))),
        };
        if (withShutdown) choices.Add((1, Gen.Constant((QueueEvent)new Shutdown())));
        return Gen.Frequency(choices);
    }

    private static Gen<QueueScript> ScriptGen(bool withShutdown) =>
        from cap in Gen.Choose(1, 4)
        from events in Gen.Sized(size => Gen.ArrayOf(Event(withShutdown), Math.Max(1, size * 2)))
        select new QueueScript(cap, events);

    private static IEnumerable<QueueScript> Shrink(QueueScript script)
    {
        var events = script.Events;
        if (events.Length > 1)
        {
            yield return script with { Events = events[..(events.Length / 2)] };
            yield return script with { Events = events[(events.Length / 2)..] };
        }
        for (var i = 0; i < events.Length; i++)
            yield return script with { Events = [.. events[..i], .. events[(i + 1)..]] };
        if (script.MaxConcurrent > 1) yield return script with { MaxConcurrent = script.MaxConcurrent - 1 };
    }

    /// <summary>Any script, including shutdowns.</summary>
    public static Arbitrary<QueueScript> Scripts() => Arb.From(ScriptGen(withShutdown: true), Shrink);

    /// <summary>Scripts without shutdown, drained afterwards by exiting containers.</summary>
    public static Arbitrary<DrainScript> DrainScripts() =>
        Arb.From(
            from script in ScriptGen(withShutdown: false)
            from failures in Gen.ArrayOf(Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true))), 8)
            select new DrainScript(script, failures),
            d => Shrink(d.Script).Select(s => d with { Script = s }));
}

/// <summary>One transition of a run.</summary>
public sealed record QueueStep(QueueState Before, QueueEvent Event, QueueState After, Seq<QueueCommand> Commands);

/// <summary>Runs scripts through <see cref="GroupQueue.Update"/>.</summary>
public static class QueueRun
{
    public static IReadOnlyList<QueueStep> Steps(QueueState initial, IEnumerable<QueueEvent> events)
    {
        var steps = new List<QueueStep>();
        var state = initial;
        foreach (var e in events)
        {
            var (next, commands) = GroupQueue.Update(state, e);
            steps.Add(new QueueStep(state, e, next, commands));
            state = next;
        }
        return steps;
    }

    public static IReadOnlyList<QueueStep> Steps(QueueScript script) =>
        Steps(QueueState.Initial(script.MaxConcurrent), script.Events);

    /// <summary>
    /// Runs the script, then keeps the world moving until nothing is left: exits running containers
    /// (failing some, per <see cref="DrainScript.DrainFailures"/>) and fires scheduled retry timers.
    /// </summary>
    public static IReadOnlyList<QueueStep> RunToQuiescence(DrainScript drain)
    {
        var steps = Steps(drain.Script).ToList();
        var state = steps.Count > 0 ? steps[^1].After : QueueState.Initial(drain.Script.MaxConcurrent);
        var timers = new Queue<QueueCommand.ScheduleRetry>(steps.SelectMany(s => s.Commands).OfType<QueueCommand.ScheduleRetry>());
        var exits = 0;
        for (var guard = 0; guard < 10_000; guard++)
        {
            QueueEvent next;
            if (!state.Running.IsEmpty)
            {
                var fail = drain.DrainFailures.Length > 0 && drain.DrainFailures[exits++ % drain.DrainFailures.Length];
                next = new ContainerExited(state.Running.Keys.First(), fail ? RunOutcome.Failure : RunOutcome.Success);
            }
            else if (timers.Count > 0)
            {
                var timer = timers.Dequeue();
                next = new RetryDue(timer.Group, timer.Attempt);
            }
            else
            {
                return steps;
            }
            var (after, commands) = GroupQueue.Update(state, next);
            steps.Add(new QueueStep(state, next, after, commands));
            foreach (var t in commands.OfType<QueueCommand.ScheduleRetry>()) timers.Enqueue(t);
            state = after;
        }
        throw new InvalidOperationException("the queue did not become quiescent within 10 000 drain steps");
    }
}
