using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Queue;
using static NanoClaw.Core.Queue.QueueCommand;
using static NanoClaw.Core.Queue.QueueEvent;

namespace NanoClaw.Tests.Core.Queue;

/// <summary>
/// SPEC §6 as invariants over arbitrary event sequences. Most checks use a small reference model built only
/// from the events and the emitted commands, so they do not trust the queue's own state.
/// </summary>
[Trait("Category", "Property")]
public class GroupQueueProperties
{
    private const int Runs = 300;

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void Running_containers_never_exceed_the_cap_and_no_group_ever_has_two(QueueScript script)
    {
        var live = new System.Collections.Generic.HashSet<string>();
        foreach (var step in QueueRun.Steps(script))
        {
            if (step.Event is ContainerExited x) live.Remove(x.Group);
            foreach (var c in step.Commands.Where(c => c is StartMessageContainer or StartTaskContainer))
            {
                Assert.True(live.Add(c.Group), $"second container started for {c.Group}");
                Assert.True(live.Count <= script.MaxConcurrent, $"{live.Count} containers running over cap {script.MaxConcurrent}");
            }
            Assert.Equal(live.OrderBy(g => g), step.After.Running.Keys.OrderBy(g => g));
        }
    }

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void State_invariants_hold_after_every_step(QueueScript script)
    {
        foreach (var step in QueueRun.Steps(script))
        {
            var violations = QueueInvariants.Violations(step.After);
            Assert.True(violations.Count == 0, $"after {QueueScript.Describe(step.Event)}: {string.Join("; ", violations)}");
        }
    }

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void Every_due_task_runs_exactly_once_when_containers_keep_finishing(DrainScript drain)
    {
        var accepted = new Dictionary<string, int>();
        var started = new Dictionary<string, int>();
        var outstanding = new System.Collections.Generic.HashSet<string>(); // due and not yet finished
        var runningTask = new Dictionary<string, string>();
        foreach (var step in QueueRun.RunToQuiescence(drain))
        {
            switch (step.Event)
            {
                case TaskDue t when outstanding.Add(t.TaskId):
                    accepted[t.TaskId] = accepted.GetValueOrDefault(t.TaskId) + 1;
                    break;
                case ContainerExited x when runningTask.Remove(x.Group, out var finished):
                    outstanding.Remove(finished);
                    break;
            }
            foreach (var s in step.Commands.OfType<StartTaskContainer>())
            {
                runningTask[s.Group] = s.TaskId;
                started[s.TaskId] = started.GetValueOrDefault(s.TaskId) + 1;
            }
        }
        Assert.Empty(outstanding);
        Assert.Equal(accepted.OrderBy(p => p.Key), started.OrderBy(p => p.Key));
    }

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void Nothing_is_left_stranded_once_containers_keep_finishing(DrainScript drain)
    {
        var steps = QueueRun.RunToQuiescence(drain);
        var final = steps.Count > 0 ? steps[^1].After : QueueState.Initial(drain.Script.MaxConcurrent);
        Assert.True(final.Running.IsEmpty);
        Assert.True(final.Waiting.IsEmpty);
        Assert.DoesNotContain(final.Work.Values, w => w.HasWork || w.RetryScheduled.IsSome);

        // Every group that got messages was eventually given an agent (start or pipe) or told its retries ran out.
        var lastArrival = new Dictionary<string, int>();
        var lastServed = new Dictionary<string, int>();
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].Event is MessagesArrived m) lastArrival[m.Group] = i;
            foreach (var c in steps[i].Commands.Where(c => c is StartMessageContainer or PipeMessages or RetriesExhausted))
                lastServed[c.Group] = i;
        }
        foreach (var (group, at) in lastArrival)
            Assert.True(lastServed.GetValueOrDefault(group, -1) >= at, $"messages of {group} (step {at}) never served");
    }

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void A_groups_pending_tasks_start_before_its_messages(QueueScript script)
    {
        var pending = new Dictionary<string, System.Collections.Generic.HashSet<string>>();
        var running = new Dictionary<string, string>();
        foreach (var step in QueueRun.Steps(script))
        {
            switch (step.Event)
            {
                case TaskDue t when running.GetValueOrDefault(t.Group) != t.TaskId:
                    (pending.TryGetValue(t.Group, out var set) ? set : pending[t.Group] = []).Add(t.TaskId);
                    break;
                case ContainerExited x:
                    running.Remove(x.Group);
                    break;
            }
            foreach (var c in step.Commands)
            {
                if (c is StartTaskContainer s)
                {
                    pending[s.Group].Remove(s.TaskId);
                    running[s.Group] = s.TaskId;
                }
                if (c is StartMessageContainer or PipeMessages)
                    Assert.Empty(pending.GetValueOrDefault(c.Group) ?? []);
            }
        }
    }

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void Waiting_groups_are_served_first_come(QueueScript script)
    {
        foreach (var step in QueueRun.Steps(script))
        {
            var startedGroups = step.Commands.Where(c => c is StartMessageContainer or StartTaskContainer).Select(c => c.Group).ToList();
            // A group whose container ends takes the freed slot for its own pending tasks, ahead of the line.
            if (step.Event is ContainerExited x && step.Before.Running.ContainsKey(x.Group))
            {
                if (!step.Before.ShuttingDown && !step.Before.WorkOf(x.Group).PendingTasks.IsEmpty)
                    Assert.Equal(x.Group, startedGroups.FirstOrDefault());
                if (startedGroups.FirstOrDefault() == x.Group) startedGroups.RemoveAt(0);
            }
            // A group that gets work joins the back of the line.
            var line = step.Before.Waiting.ToList();
            var arriving = step.Event switch { MessagesArrived m => m.Group, TaskDue t => t.Group, RetryDue r => r.Group, _ => null };
            if (arriving is not null && !line.Contains(arriving)) line.Add(arriving);
            Assert.Equal(line.Take(startedGroups.Count), startedGroups);
        }
    }

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void A_task_already_pending_or_running_is_not_queued_again(QueueScript script)
    {
        foreach (var step in QueueRun.Steps(script))
        {
            var all = step.After.Work.Values.SelectMany(w => w.PendingTasks)
                .Concat(step.After.Running.Values.SelectMany(r => r.TaskId)).ToList();
            Assert.Equal(all.Count, all.Distinct().Count());
            if (step.Event is TaskDue t &&
                (step.Before.WorkOf(t.Group).PendingTasks.Exists(p => p == t.TaskId) ||
                 step.Before.ContainerOf(t.Group).Bind(r => r.TaskId) == Prelude.Some(t.TaskId)))
            {
                Assert.Equal(step.Before, step.After);
                Assert.True(step.Commands.IsEmpty);
            }
        }
    }

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void A_new_task_closes_the_groups_container_exactly_when_it_is_idle(QueueScript script)
    {
        foreach (var step in QueueRun.Steps(script).Where(s => s.Event is TaskDue))
        {
            var t = (TaskDue)step.Event;
            var isNew = !step.Before.WorkOf(t.Group).PendingTasks.Exists(p => p == t.TaskId)
                        && step.Before.ContainerOf(t.Group).Bind(r => r.TaskId) != Prelude.Some(t.TaskId);
            var idle = step.Before.ContainerOf(t.Group).Exists(r => r.IdleWaiting && !r.CloseRequested);
            Assert.Equal(isNew && idle, step.Commands.Contains(new CloseContainer(t.Group)));
            Assert.DoesNotContain(step.Commands, c => c is CloseContainer && c.Group != t.Group);
        }
    }

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void Messages_are_piped_only_into_idle_message_containers(QueueScript script)
    {
        // Reference model from events and commands: kind of each live container, its idle and closing flags.
        var kind = new Dictionary<string, ContainerKind>();
        var idle = new System.Collections.Generic.HashSet<string>();
        var closing = new System.Collections.Generic.HashSet<string>();
        foreach (var step in QueueRun.Steps(script))
        {
            switch (step.Event)
            {
                case ContainerIdle i when kind.ContainsKey(i.Group): idle.Add(i.Group); break;
                case ContainerExited x: kind.Remove(x.Group); idle.Remove(x.Group); closing.Remove(x.Group); break;
            }
            foreach (var c in step.Commands)
            {
                switch (c)
                {
                    case StartMessageContainer s: kind[s.Group] = ContainerKind.Messages; break;
                    case StartTaskContainer s: kind[s.Group] = ContainerKind.Task; break;
                    case CloseContainer s: closing.Add(s.Group); break;
                    case PipeMessages p:
                        Assert.True(kind.GetValueOrDefault(p.Group, ContainerKind.Task) == ContainerKind.Messages, $"piped into a task container of {p.Group}");
                        Assert.True(idle.Remove(p.Group), $"piped into busy container of {p.Group}");
                        Assert.DoesNotContain(p.Group, closing);
                        break;
                }
            }
        }
    }

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void Retry_delays_are_5_10_20_40_80_seconds_then_retries_stop(QueueScript script)
    {
        // Reference model: consecutive failed message runs per group, reset by success or a new inbound message.
        var failures = new Dictionary<string, int>();
        var messageContainer = new System.Collections.Generic.HashSet<string>();
        int[] expectedSeconds = [5, 10, 20, 40, 80];
        foreach (var step in QueueRun.Steps(script))
        {
            var expected = new List<QueueCommand>();
            switch (step.Event)
            {
                case MessagesArrived m: failures[m.Group] = 0; break;
                case ContainerExited x when messageContainer.Remove(x.Group):
                    if (x.Outcome == RunOutcome.Success) failures[x.Group] = 0;
                    else
                    {
                        var n = failures.GetValueOrDefault(x.Group) + 1;
                        failures[x.Group] = n <= 5 ? n : 0;
                        expected.Add(n <= 5 ? new ScheduleRetry(x.Group, TimeSpan.FromSeconds(expectedSeconds[n - 1]), n) : new RetriesExhausted(x.Group));
                    }
                    break;
                case ContainerExited x: messageContainer.Remove(x.Group); break;
            }
            Assert.Equal(expected, step.Commands.Where(c => c is ScheduleRetry or RetriesExhausted));
            foreach (var s in step.Commands.OfType<StartMessageContainer>()) messageContainer.Add(s.Group);
        }
    }

    [Property(MaxTest = 100)]
    public void Consecutive_failures_back_off_then_give_up_until_the_next_message(byte failureCount, bool success)
    {
        var n = failureCount % 12 + 1;
        var state = GroupQueue.Update(QueueState.Initial(2), new MessagesArrived("g")).State;
        var delays = new List<int>();
        var exhausted = 0;
        for (var i = 0; i < n; i++)
        {
            var (afterExit, commands) = GroupQueue.Update(state, new ContainerExited("g", RunOutcome.Failure));
            state = afterExit;
            exhausted += commands.Count(c => c is RetriesExhausted);
            foreach (var retry in commands.OfType<ScheduleRetry>())
            {
                delays.Add((int)retry.Delay.TotalSeconds);
                var (afterRetry, started) = GroupQueue.Update(state, new RetryDue("g", retry.Attempt));
                Assert.Equal<QueueCommand>([new StartMessageContainer("g")], started.ToArray());
                state = afterRetry;
            }
            if (exhausted > 0) break;
        }
        Assert.Equal(new[] { 5, 10, 20, 40, 80 }.Take(Math.Min(n, 5)), delays);
        Assert.Equal(n > 5 ? 1 : 0, exhausted);
        if (n > 5)
        {
            Assert.True(state.Running.IsEmpty);
            var restart = GroupQueue.Update(state, new MessagesArrived("g"));
            Assert.Equal<QueueCommand>([new StartMessageContainer("g")], restart.Commands.ToArray());
            // The count starts over: the next failure waits 5 s again.
            var again = GroupQueue.Update(restart.State, new ContainerExited("g", success ? RunOutcome.Success : RunOutcome.Failure));
            Assert.Equal<QueueCommand>(success ? [] : [new ScheduleRetry("g", TimeSpan.FromSeconds(5), 1)], again.Commands.ToArray());
        }
    }

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void After_shutdown_no_container_starts_and_nothing_is_piped(QueueScript script)
    {
        var down = false;
        foreach (var step in QueueRun.Steps(script))
        {
            down |= step.Event is Shutdown;
            if (down)
                Assert.DoesNotContain(step.Commands, c => c is StartMessageContainer or StartTaskContainer or PipeMessages);
        }
    }

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void Events_about_nothing_the_queue_knows_change_nothing(QueueScript script)
    {
        foreach (var step in QueueRun.Steps(script))
        {
            var unknown = step.Event switch
            {
                ContainerIdle i => !step.Before.Running.ContainsKey(i.Group),
                ContainerExited x => !step.Before.Running.ContainsKey(x.Group),
                RetryDue r => step.Before.WorkOf(r.Group).RetryScheduled != Prelude.Some(r.Attempt),
                _ => false,
            };
            if (!unknown) continue;
            Assert.Equal(step.Before, step.After);
            Assert.True(step.Commands.IsEmpty);
        }
    }

    [Property(Arbitrary = [typeof(QueueArbitraries)], MaxTest = Runs)]
    public void The_same_events_give_equal_states_and_the_same_commands(QueueScript script)
    {
        var first = QueueRun.Steps(script);
        var second = QueueRun.Steps(script with { Events = [.. script.Events] });
        Assert.Equal(first.Select(s => s.After), second.Select(s => s.After));
        Assert.Equal(first.Select(s => s.Commands), second.Select(s => s.Commands));
    }
}
