using NanoClaw.Core.Queue;
using static NanoClaw.Core.Queue.QueueEvent;

namespace NanoClaw.Tests.Core.Queue;

/// <summary>
/// The events that change nothing (most of a busy day: a message for a group whose messages already wait, a task that is
/// already pending, an exit for a group with no container) allocate nothing and return the state itself (issue 16).
/// Allocation counts are exact, not timings.
/// </summary>
public class GroupQueueAllocationExamples
{
    /// <summary>Two groups run (cap 2), "c" waits with messages and task t1, "d" waits with messages.</summary>
    private static QueueState Busy()
    {
        var state = QueueState.Initial(2);
        foreach (var e in new QueueEvent[] { new MessagesArrived("a"), new MessagesArrived("b"), new MessagesArrived("c"), new TaskDue("c", "t1"), new MessagesArrived("d") })
            state = GroupQueue.Update(state, e).State;
        return state;
    }

    private static long BytesOf(QueueState state, QueueEvent e, out QueueState after)
    {
        GroupQueue.Update(state, e); // first call: JIT and static initialisation may allocate
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (next, commands) = GroupQueue.Update(state, e);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(commands.IsEmpty);
        after = next;
        return bytes;
    }

    public static TheoryData<string> NoOps() => ["message for a waiting group", "message for a busy group", "task already pending", "exit without a container", "idle without a container"];

    [Theory]
    [MemberData(nameof(NoOps))]
    public void An_event_that_changes_nothing_allocates_nothing(string what)
    {
        var state = Busy();
        QueueEvent e = what switch
        {
            "message for a waiting group" => new MessagesArrived("c"),
            "message for a busy group" => new MessagesArrived("a"),
            "task already pending" => new TaskDue("c", "t1"),
            "exit without a container" => new ContainerExited("d", RunOutcome.Success),
            _ => new ContainerIdle("c"),
        };
        // "a" is busy with its first batch and already has no pending messages: make them pending first.
        if (what == "message for a busy group") state = GroupQueue.Update(state, e).State;
        Assert.Equal(0, BytesOf(state, e, out var after));
        Assert.Same(state, after);
    }
}
