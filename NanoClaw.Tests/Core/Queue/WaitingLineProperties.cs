using FsCheck.Xunit;
using NanoClaw.Core.Queue;
using static NanoClaw.Core.Queue.QueueEvent;

namespace NanoClaw.Tests.Core.Queue;

/// <summary>
/// The queue's waiting line holds the groups that wait and nothing else, however long the queue has run
/// (issue 16: the line used to keep every slot it had ever dequeued and copy them all on each start).
/// </summary>
[Trait("Category", "Property")]
public class WaitingLineProperties
{
    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = 300)]
    public void The_line_is_bounded_by_the_groups_actually_waiting(QueueScript script)
    {
        // The script replayed ten times over: a long-lived queue seeing the same groups again and again.
        var events = Enumerable.Repeat(script.Events, 10).SelectMany(e => e).ToArray();
        var groups = script.Events.Select(e => e switch
        {
            MessagesArrived m => m.Group, TaskDue t => t.Group, ContainerIdle i => i.Group,
            ContainerExited x => x.Group, RetryDue r => r.Group, _ => null,
        }).Where(g => g is not null).Distinct().Count();
        foreach (var step in QueueRun.Steps(QueueState.Initial(script.MaxConcurrent), events))
        {
            var s = step.After;
            var line = s.Waiting.ToList();
            var waiting = s.Work.Keys.Where(g => s.WorkOf(g).HasWork && !s.Running.ContainsKey(g)).ToHashSet();
            Assert.Equal(line.Count, s.Waiting.Count);
            Assert.Equal(waiting.OrderBy(g => g, StringComparer.Ordinal), line.OrderBy(g => g, StringComparer.Ordinal));
            Assert.True(s.Waiting.Count <= groups, $"{s.Waiting.Count} waiting, only {groups} groups exist");
            Assert.All(line, g => Assert.True(s.Waiting.Contains(g)));
        }
    }

    [Property(MaxTest = 300)]
    public void The_line_is_a_first_come_set(string[] arrivals, byte dequeues)
    {
        var line = WaitingLine.Empty;
        var model = new List<string>();
        foreach (var g in arrivals.Where(a => a is not null))
        {
            line = line.Enqueue(g);
            if (!model.Contains(g)) model.Add(g);
        }
        for (var i = 0; i < dequeues % 8 && model.Count > 0; i++)
        {
            Assert.Equal(model[0], line.Head);
            line = line.Dequeue();
            model.RemoveAt(0);
        }
        Assert.Equal(model, line.ToList());
        Assert.Equal(model.Count, line.Count);
        Assert.All(model, g => Assert.True(line.Contains(g)));
    }
}

/// <summary>What one container start costs must not depend on how many the queue has started before.</summary>
public class WaitingLineAgeExamples
{
    private const int Groups = 200;
    private const int Cap = 5;

    private static string Group(int g) => $"g{g}@g.us";

    /// <summary>Group <c>i mod 200</c> (the oldest running) exits, its slot goes to the head of the line, and it gets a new message.</summary>
    private static QueueState StartNext(QueueState state, int i)
    {
        state = GroupQueue.Update(state, new ContainerExited(Group(i % Groups), RunOutcome.Success)).State;
        return GroupQueue.Update(state, new MessagesArrived(Group(i % Groups))).State;
    }

    private static QueueState Saturated(int starts)
    {
        var state = QueueState.Initial(Cap);
        for (var g = 0; g < Groups; g++) state = GroupQueue.Update(state, new MessagesArrived(Group(g))).State;
        for (var i = 0; i < starts; i++) state = StartNext(state, i);
        return state;
    }

    private static long BytesFor1000Starts(QueueState from, int offset)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var state = from;
        for (var i = 0; i < 1000; i++) state = StartNext(state, offset + i);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(Cap, state.Running.Count);
        Assert.Equal(Groups - Cap, state.Waiting.Count);
        return bytes;
    }

    [Fact]
    public void A_start_allocates_as_much_after_10000_starts_as_on_a_fresh_queue()
    {
        var fresh = Saturated(0);
        var aged = Saturated(10_000);
        BytesFor1000Starts(fresh, 0); // warm up: first calls may allocate for static initialisation
        var freshBytes = BytesFor1000Starts(fresh, 0);
        var agedBytes = BytesFor1000Starts(aged, 10_000);
        // Allocation counts are exact (not timings); the slack covers the line's periodic reversal landing differently.
        Assert.True(agedBytes <= freshBytes * 3 / 2 + 64 * 1024, $"1 000 starts allocated {agedBytes} B after 10 000 starts, {freshBytes} B fresh");
    }
}
