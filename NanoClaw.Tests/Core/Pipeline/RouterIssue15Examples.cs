using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Pipeline;
using static LanguageExt.Prelude;
using static NanoClaw.Core.Pipeline.Decision;
using static NanoClaw.Tests.Core.Pipeline.PipelineFixture;

namespace NanoClaw.Tests.Core.Pipeline;

/// <summary>Issue 15: per-group triggers, cursor recovery, one batch at startup, and the core owning runs and timers.</summary>
public class RouterIssue15Examples
{
    private const string Claw = "claw@g.us";

    private static RouterState WithClawGroup() =>
        Router.Update(Initial(), new PipelineEvent.GroupsChanged(AllGroups.Add(Claw,
            new RegisteredGroup(Claw, "Claw", "claw", "@Claw", "2026-01-01T00:00:00.000Z", None, true, false)))).State;

    [Fact]
    public void A_group_with_its_own_trigger_wakes_on_it_and_not_on_the_assistants_name()
    {
        var state = WithClawGroup();
        var (afterAndy, andy) = Run(state, Stored(Claw, 1, "@Andy are you there?"));
        Assert.Empty(andy);
        var launch = Assert.Single(Run(afterAndy, Stored(Claw, 2, "@claw what's for dinner")).Decisions.OfType<LaunchContainer>());
        Assert.Contains("@Andy are you there?", launch.Prompt); // kept as context
        Assert.Equal(state.Config.Trigger, state.TriggerOf(Team));
        Assert.Equal("@Claw", state.TriggerOf(Claw).Pattern);
    }

    [Fact]
    public void A_group_without_a_trigger_of_its_own_falls_back_to_the_assistants_name()
    {
        var groups = AllGroups.SetItem(Team, AllGroups[Team] with { Trigger = "  " });
        var state = Router.Update(Initial(), new PipelineEvent.GroupsChanged(groups)).State;
        Assert.Single(Run(state, Stored(Team, 1, "@Andy hi")).Decisions.OfType<LaunchContainer>());
    }

    [Fact]
    public void Without_a_cursor_the_next_batch_starts_after_the_assistants_last_reply()
    {
        var old = Message(Team, 1, "@Andy old question");
        var reply = Message(Team, 2, "Andy: old answer") with { IsBotMessage = true };
        var fresh = Message(Team, 3, "@Andy new question");
        var (state, decisions) = Run(Initial(), new PipelineEvent.MessagesStored(Seq(old, reply, fresh)));
        var launch = Assert.Single(decisions.OfType<LaunchContainer>());
        Assert.Contains("new question", launch.Prompt);
        Assert.DoesNotContain("old question", launch.Prompt);
        Assert.DoesNotContain("old answer", launch.Prompt);
        Assert.Equal(fresh.Timestamp, state.CursorOf(Team));
    }

    [Fact]
    public void With_a_stored_cursor_the_assistants_reply_does_not_move_it()
    {
        var state = RouterState.Initial(Config, 3, Map((Team, Message(Team, 0, "").Timestamp)));
        state = Router.Update(state, new PipelineEvent.GroupsChanged(AllGroups)).State;
        var reply = Message(Team, 2, "Andy: earlier") with { IsBotMessage = true };
        var launch = Assert.Single(Run(state, new PipelineEvent.MessagesStored(Seq(Message(Team, 1, "@Andy unanswered"), reply, Message(Team, 3, "more"))))
            .Decisions.OfType<LaunchContainer>());
        Assert.Contains("unanswered", launch.Prompt);
        Assert.Contains("more", launch.Prompt);
    }

    [Fact]
    public void Recovered_messages_reach_the_first_container_as_one_batch()
    {
        var recovered = Seq(Message(Main, 3, "third"), Message(Main, 1, "first"), Message(Main, 2, "second"), Message(Open, 4, "other group"));
        var decisions = Run(Initial(), new PipelineEvent.MessagesStored(recovered)).Decisions;
        var launches = decisions.OfType<LaunchContainer>().ToList();
        Assert.Equal([Main, Open], launches.Select(l => l.GroupJid));
        var prompt = launches[0].Prompt;
        Assert.True(prompt.IndexOf(">first<", StringComparison.Ordinal) < prompt.IndexOf(">second<", StringComparison.Ordinal)
            && prompt.IndexOf(">second<", StringComparison.Ordinal) < prompt.IndexOf(">third<", StringComparison.Ordinal), prompt);
        Assert.DoesNotContain(decisions, d => d is WriteInput);
    }

    [Fact]
    public void A_message_arriving_while_the_idle_agent_is_being_closed_waits_for_the_next_container()
    {
        var (idle, turn) = Run(Initial(), Stored(Team, 1, "@Andy hi"), Result(Team, "hello"), TurnEnded(Team));
        var timer = Assert.IsType<ArmTimer>(turn[^1]);
        var (closing, close) = Run(idle, new PipelineEvent.TimerFired(timer.Key));
        Assert.Equal<Decision>([new WriteClose(Team, "team", 1)], close);

        var (waiting, meanwhile) = Run(closing, Stored(Team, 2, "@Andy one more thing"));
        Assert.Empty(meanwhile);
        var next = Run(waiting, Exited(Team)).Decisions;
        var launch = Assert.Single(next.OfType<LaunchContainer>());
        Assert.Equal(2, launch.RunId);
        Assert.Contains("one more thing", launch.Prompt);
        Assert.DoesNotContain(">@Andy hi<", launch.Prompt);
    }

    [Fact]
    public void An_idle_timer_of_an_earlier_turn_or_run_changes_nothing()
    {
        var (idle, turn) = Run(Initial(), Stored(Team, 1, "@Andy hi"), TurnEnded(Team));
        var firstTurn = Assert.IsType<ArmTimer>(turn[^1]).Key;
        // Piped a follow-up: the agent is busy, then idle again at turn 2.
        var (busy, _) = Run(idle, Stored(Team, 2, "@Andy more"));
        Assert.Equal(busy, Router.Update(busy, new PipelineEvent.TimerFired(firstTurn)).State);
        var (done, _) = Run(busy, TurnEnded(Team), Exited(Team));
        var (_, stale) = Router.Update(done, new PipelineEvent.TimerFired(new TimerKey.IdleExpiry(Team, 1, 2)));
        Assert.True(stale.IsEmpty);
    }

    [Fact]
    public void A_task_close_timer_closes_only_the_task_run_it_was_armed_for()
    {
        var task = Task("t1", "team", Team);
        var (running, launch) = Run(Initial(), new PipelineEvent.TaskDue(task), Result(Team, "report"));
        var closeKey = Assert.Single(launch.OfType<ArmTimer>()).Key;
        // The task ends before its close delay; a chat run starts; then the task's timer fires.
        var (chatRun, _) = Run(running, Exited(Team), Stored(Team, 5, "@Andy hello"));
        Assert.True(chatRun.Runs.Find(Team).Exists(r => r.Task.IsNone));
        var (after, decisions) = Router.Update(chatRun, new PipelineEvent.TimerFired(closeKey));
        Assert.True(decisions.IsEmpty);
        Assert.Equal(chatRun, after);
    }
}
