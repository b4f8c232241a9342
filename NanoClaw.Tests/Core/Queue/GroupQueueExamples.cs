using NanoClaw.Core.Queue;
using static NanoClaw.Core.Queue.QueueCommand;
using static NanoClaw.Core.Queue.QueueEvent;

namespace NanoClaw.Tests.Core.Queue;

/// <summary>One example per rule of SPEC §6, readable as documentation of the queue.</summary>
public class GroupQueueExamples
{
    private static (QueueState State, QueueCommand[] Commands) Run(QueueState state, params QueueEvent[] events)
    {
        var commands = new List<QueueCommand>();
        foreach (var e in events)
        {
            var (next, emitted) = GroupQueue.Update(state, e);
            commands.AddRange(emitted);
            state = next;
        }
        return (state, commands.ToArray());
    }

    private static QueueCommand[] Last(QueueState state, QueueEvent[] setup, QueueEvent e) =>
        GroupQueue.Update(Run(state, setup).State, e).Commands.ToArray();

    [Fact]
    public void Messages_for_an_idle_queue_start_a_container_at_once()
    {
        var (state, commands) = Run(QueueState.Initial(2), new MessagesArrived("a"));
        Assert.Equal<QueueCommand>([new StartMessageContainer("a")], commands);
        Assert.Equal(ContainerKind.Messages, state.ContainerOf("a").Map(r => r.Kind).IfNone(ContainerKind.Task));
    }

    [Fact]
    public void The_cap_makes_later_groups_wait_in_arrival_order()
    {
        var (state, commands) = Run(QueueState.Initial(2),
            new MessagesArrived("a"), new MessagesArrived("b"), new MessagesArrived("c"), new TaskDue("d", "t1"), new MessagesArrived("e"));
        Assert.Equal<QueueCommand>([new StartMessageContainer("a"), new StartMessageContainer("b")], commands);
        Assert.Equal(["c", "d", "e"], state.Waiting.ToArray());

        var afterB = GroupQueue.Update(state, new ContainerExited("b", RunOutcome.Success));
        Assert.Equal<QueueCommand>([new StartMessageContainer("c")], afterB.Commands.ToArray());
        var afterA = GroupQueue.Update(afterB.State, new ContainerExited("a", RunOutcome.Success));
        Assert.Equal<QueueCommand>([new StartTaskContainer("d", "t1")], afterA.Commands.ToArray());
    }

    [Fact]
    public void More_messages_for_a_busy_group_do_not_start_a_second_container()
    {
        var commands = Last(QueueState.Initial(3), [new MessagesArrived("a")], new MessagesArrived("a"));
        Assert.Empty(commands);
    }

    [Fact]
    public void When_a_container_ends_its_groups_tasks_run_first_then_its_messages_then_others()
    {
        var (state, _) = Run(QueueState.Initial(1),
            new MessagesArrived("a"),          // a runs
            new MessagesArrived("b"),          // b waits
            new MessagesArrived("a"),          // a: messages pending (busy container)
            new TaskDue("a", "t1"), new TaskDue("a", "t2"));

        var exit1 = GroupQueue.Update(state, new ContainerExited("a", RunOutcome.Success));
        Assert.Equal<QueueCommand>([new StartTaskContainer("a", "t1")], exit1.Commands.ToArray());
        var exit2 = GroupQueue.Update(exit1.State, new ContainerExited("a", RunOutcome.Success));
        Assert.Equal<QueueCommand>([new StartTaskContainer("a", "t2")], exit2.Commands.ToArray());
        var exit3 = GroupQueue.Update(exit2.State, new ContainerExited("a", RunOutcome.Success));
        Assert.Equal<QueueCommand>([new StartMessageContainer("a")], exit3.Commands.ToArray());
        var exit4 = GroupQueue.Update(exit3.State, new ContainerExited("a", RunOutcome.Success));
        Assert.Equal<QueueCommand>([new StartMessageContainer("b")], exit4.Commands.ToArray());
    }

    [Fact]
    public void A_task_already_pending_or_running_is_not_queued_again()
    {
        var (running, started) = Run(QueueState.Initial(1), new TaskDue("a", "t1"));
        Assert.Equal<QueueCommand>([new StartTaskContainer("a", "t1")], started);
        var again = GroupQueue.Update(running, new TaskDue("a", "t1"));
        Assert.Equal(running, again.State);
        Assert.True(again.Commands.IsEmpty);

        var (pending, _) = Run(running, new TaskDue("a", "t2"));
        Assert.Equal(pending, GroupQueue.Update(pending, new TaskDue("a", "t2")).State);
        Assert.Equal(["t2"], pending.WorkOf("a").PendingTasks.ToArray());
    }

    [Fact]
    public void A_due_task_preempts_an_idle_container_with_the_close_sentinel()
    {
        var commands = Last(QueueState.Initial(2), [new MessagesArrived("a"), new ContainerIdle("a")], new TaskDue("a", "t1"));
        Assert.Equal<QueueCommand>([new CloseContainer("a")], commands);
    }

    [Fact]
    public void A_task_for_a_busy_container_waits_and_closes_it_when_it_turns_idle()
    {
        var (state, commands) = Run(QueueState.Initial(2), new MessagesArrived("a"), new TaskDue("a", "t1"));
        Assert.Equal<QueueCommand>([new StartMessageContainer("a")], commands);
        var idle = GroupQueue.Update(state, new ContainerIdle("a"));
        Assert.Equal<QueueCommand>([new CloseContainer("a")], idle.Commands.ToArray());
        var exit = GroupQueue.Update(idle.State, new ContainerExited("a", RunOutcome.Success));
        Assert.Equal<QueueCommand>([new StartTaskContainer("a", "t1")], exit.Commands.ToArray());
    }

    [Fact]
    public void Messages_for_an_idle_message_container_are_piped()
    {
        var commands = Last(QueueState.Initial(2), [new MessagesArrived("a"), new ContainerIdle("a")], new MessagesArrived("a"));
        Assert.Equal<QueueCommand>([new PipeMessages("a")], commands);
    }

    [Fact]
    public void Messages_for_a_busy_container_are_piped_as_soon_as_it_turns_idle()
    {
        var (state, commands) = Run(QueueState.Initial(2), new MessagesArrived("a"), new MessagesArrived("a"));
        Assert.Equal<QueueCommand>([new StartMessageContainer("a")], commands);
        var idle = GroupQueue.Update(state, new ContainerIdle("a"));
        Assert.Equal<QueueCommand>([new PipeMessages("a")], idle.Commands.ToArray());
        // Piping makes it busy again: a second idle report with nothing new pipes nothing.
        Assert.Empty(GroupQueue.Update(idle.State, new ContainerIdle("a")).Commands);
    }

    [Fact]
    public void A_task_container_never_receives_chat_messages_they_wait_for_the_next_container()
    {
        var (state, commands) = Run(QueueState.Initial(2),
            new TaskDue("a", "t1"), new ContainerIdle("a"), new MessagesArrived("a"), new ContainerIdle("a"));
        Assert.Equal<QueueCommand>([new StartTaskContainer("a", "t1")], commands);
        var exit = GroupQueue.Update(state, new ContainerExited("a", RunOutcome.Success));
        Assert.Equal<QueueCommand>([new StartMessageContainer("a")], exit.Commands.ToArray());
    }

    [Fact]
    public void Failed_message_runs_back_off_5_10_20_40_80_seconds_then_wait_for_the_next_message()
    {
        var state = Run(QueueState.Initial(1), new MessagesArrived("a")).State;
        var delays = new List<double>();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var failed = GroupQueue.Update(state, new ContainerExited("a", RunOutcome.Failure));
            var retry = Assert.IsType<ScheduleRetry>(Assert.Single(failed.Commands));
            Assert.Equal(attempt, retry.Attempt);
            delays.Add(retry.Delay.TotalSeconds);
            var due = GroupQueue.Update(failed.State, new RetryDue("a", attempt));
            Assert.Equal<QueueCommand>([new StartMessageContainer("a")], due.Commands.ToArray());
            state = due.State;
        }
        Assert.Equal([5d, 10, 20, 40, 80], delays);

        var givenUp = GroupQueue.Update(state, new ContainerExited("a", RunOutcome.Failure));
        Assert.Equal<QueueCommand>([new RetriesExhausted("a")], givenUp.Commands.ToArray());
        Assert.True(givenUp.State.Running.IsEmpty);
        Assert.False(givenUp.State.WorkOf("a").HasWork);
        Assert.Equal<QueueCommand>([new StartMessageContainer("a")],
            GroupQueue.Update(givenUp.State, new MessagesArrived("a")).Commands.ToArray());
    }

    [Fact]
    public void A_new_message_resets_the_backoff_and_starts_at_once()
    {
        var (state, _) = Run(QueueState.Initial(1),
            new MessagesArrived("a"), new ContainerExited("a", RunOutcome.Failure), new RetryDue("a", 1),
            new ContainerExited("a", RunOutcome.Failure)); // retry 2 (10 s) pending
        var inbound = GroupQueue.Update(state, new MessagesArrived("a"));
        Assert.Equal<QueueCommand>([new StartMessageContainer("a")], inbound.Commands.ToArray());
        // The old timer is stale now and does nothing.
        var stale = GroupQueue.Update(inbound.State, new RetryDue("a", 2));
        Assert.Equal(inbound.State, stale.State);
        Assert.Equal<QueueCommand>([new ScheduleRetry("a", TimeSpan.FromSeconds(5), 1)],
            GroupQueue.Update(inbound.State, new ContainerExited("a", RunOutcome.Failure)).Commands.ToArray());
    }

    [Fact]
    public void A_success_resets_the_backoff()
    {
        var (state, _) = Run(QueueState.Initial(1),
            new MessagesArrived("a"), new ContainerExited("a", RunOutcome.Failure), new RetryDue("a", 1),
            new ContainerExited("a", RunOutcome.Success), new MessagesArrived("a"));
        Assert.Equal<QueueCommand>([new ScheduleRetry("a", TimeSpan.FromSeconds(5), 1)],
            GroupQueue.Update(state, new ContainerExited("a", RunOutcome.Failure)).Commands.ToArray());
    }

    [Fact]
    public void A_failed_task_run_does_not_retry()
    {
        var commands = Last(QueueState.Initial(1), [new TaskDue("a", "t1")], new ContainerExited("a", RunOutcome.Failure));
        Assert.Empty(commands);
    }

    [Fact]
    public void After_shutdown_nothing_new_starts_and_running_containers_are_left_alone()
    {
        var (state, _) = Run(QueueState.Initial(1), new MessagesArrived("a"), new MessagesArrived("b"), new Shutdown());
        var (after, commands) = Run(state,
            new MessagesArrived("c"), new TaskDue("d", "t"), new ContainerIdle("a"), new MessagesArrived("a"),
            new ContainerExited("a", RunOutcome.Success));
        Assert.Empty(commands);
        Assert.True(after.Running.IsEmpty);
    }

    [Fact]
    public void Events_for_unknown_groups_are_ignored()
    {
        var state = QueueState.Initial(2);
        foreach (QueueEvent e in new QueueEvent[] { new ContainerIdle("x"), new ContainerExited("x", RunOutcome.Failure), new RetryDue("x", 1) })
        {
            var (next, commands) = GroupQueue.Update(state, e);
            Assert.Equal(state, next);
            Assert.Empty(commands);
        }
    }

    [Fact]
    public void A_cap_below_one_is_read_as_one()
    {
        Assert.Equal(1, QueueState.Initial(0).MaxConcurrent);
        Assert.Equal<QueueCommand>([new StartMessageContainer("a")], Run(QueueState.Initial(-3), new MessagesArrived("a")).Commands);
    }

    [Fact]
    public void Equal_histories_give_structurally_equal_states()
    {
        QueueEvent[] events = [new MessagesArrived("a"), new TaskDue("a", "t"), new ContainerIdle("a"), new MessagesArrived("b")];
        Assert.Equal(Run(QueueState.Initial(1), events).State, Run(QueueState.Initial(1), events).State);
        Assert.NotEqual(Run(QueueState.Initial(1), events).State, Run(QueueState.Initial(1), events[..3]).State);
    }

    [Fact]
    public void Jids_are_compared_ordinally_so_look_alike_jids_are_different_groups()
    {
        // A culture-aware comparison ignores the zero-width space and would merge these two groups.
        var (state, commands) = Run(QueueState.Initial(2), new MessagesArrived("ab@g.us"), new MessagesArrived("a\u200Bb@g.us"));
        Assert.Equal(2, state.Running.Count);
        Assert.Equal(2, commands.Length);
    }
}
