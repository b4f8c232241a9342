using LanguageExt;
using NanoClaw.Core.Pipeline;
using static NanoClaw.Core.Pipeline.Decision;
using static NanoClaw.Tests.Core.Pipeline.PipelineFixture;

namespace NanoClaw.Tests.Core.Pipeline;

/// <summary>The router's rules (SPEC §5, §6, §9) one example at a time.</summary>
public class RouterExamples
{
    [Fact]
    public void A_triggered_message_launches_one_container_with_the_formatted_batch()
    {
        var (_, decisions) = Run(Initial(), Stored(Team, 1, "@Andy what's up?"));
        var launch = Assert.Single(decisions.OfType<LaunchContainer>());
        Assert.Equal(Team, launch.GroupJid);
        Assert.Equal("team", launch.Folder);
        Assert.False(launch.IsMain);
        Assert.False(launch.IsScheduledTask);
        Assert.Contains("<context timezone=\"America/New_York\" />", launch.Prompt);
        Assert.Contains("<message sender=\"Alice\" time=\"Jan 31, 2026, 9:00 AM\">@Andy what's up?</message>", launch.Prompt);
        Assert.Contains(new SetTyping(Team, true), decisions);
    }

    [Fact]
    public void Untriggered_messages_wait_and_ride_along_with_the_next_trigger()
    {
        var (state, quiet) = Run(Initial(), Stored(Team, 1, "lunch?"), Stored(Team, 2, "sure <3", "Bob"));
        Assert.Empty(quiet);
        var launch = Assert.Single(Run(state, Stored(Team, 3, "@andy book a table")).Decisions.OfType<LaunchContainer>());
        Assert.Contains(">lunch?</message>", launch.Prompt);
        Assert.Contains(">sure &lt;3</message>", launch.Prompt);
        Assert.Contains(">@andy book a table</message>", launch.Prompt);
    }

    [Fact]
    public void The_main_group_and_groups_without_trigger_need_no_trigger()
    {
        Assert.Single(Run(Initial(), Stored(Main, 1, "remind me")).Decisions.OfType<LaunchContainer>(), l => l.IsMain);
        Assert.Single(Run(Initial(), Stored(Open, 1, "hello")).Decisions.OfType<LaunchContainer>(), l => !l.IsMain);
    }

    [Fact]
    public void Messages_of_unregistered_chats_and_repeats_are_ignored()
    {
        Assert.Empty(Run(Initial(), Stored("stranger@g.us", 1, "@Andy hi")).Decisions);
        var repeat = Then(Initial(), [Stored(Main, 1, "hi")], Stored(Main, 1, "hi"));
        Assert.Empty(repeat);
    }

    [Fact]
    public void Agent_output_is_stripped_prefixed_and_commits_the_cursor_first()
    {
        var launched = Run(Initial(), Stored(Team, 1, "@Andy plan"));
        Assert.DoesNotContain(launched.Decisions, d => d is AdvanceCursor);
        var decisions = Run(launched.State, Result(Team, "<internal>thinking</internal>Here is the plan")).Decisions;
        Assert.Equal<Decision>(
            [new AdvanceCursor(Team, Message(Team, 1, "").Timestamp), new SendMessage(Team, "Andy: Here is the plan")],
            decisions);
    }

    [Fact]
    public void Output_that_is_only_internal_sends_nothing()
    {
        var decisions = Then(Initial(), [Stored(Team, 1, "@Andy plan")], Result(Team, "<internal>only thoughts</internal>"));
        Assert.DoesNotContain(decisions, d => d is SendMessage);
    }

    [Fact]
    public void The_end_of_a_turn_stops_typing_and_a_follow_up_is_piped_into_the_same_container()
    {
        var (idle, turn) = Run(Initial(), Stored(Team, 1, "@Andy hi"), Result(Team, "hello"), TurnEnded(Team));
        Assert.Equal(new SetTyping(Team, false), turn[^2]);
        // The agent waits for input: the core arms the idle timer for this run and this turn.
        Assert.Equal(new ArmTimer(new TimerKey.IdleExpiry(Team, 1, 1), Config.IdleTimeout), turn[^1]);
        var followUp = Run(idle, Stored(Team, 5, "@Andy and tomorrow?")).Decisions;
        Assert.DoesNotContain(followUp, d => d is LaunchContainer);
        var input = Assert.Single(followUp.OfType<WriteInput>());
        Assert.Contains("and tomorrow?", input.Text);
        Assert.DoesNotContain(">@Andy hi<", input.Text);
    }

    [Fact]
    public void A_follow_up_to_a_busy_container_waits_until_it_turns_idle()
    {
        var (busy, _) = Run(Initial(), Stored(Main, 1, "first"));
        var (waiting, none) = Run(busy, Stored(Main, 2, "second"));
        Assert.Empty(none);
        var piped = Run(waiting, Result(Main, "answer"), TurnEnded(Main)).Decisions;
        var input = Assert.Single(piped.OfType<WriteInput>());
        Assert.Contains(">second</message>", input.Text);
        Assert.DoesNotContain(">first</message>", input.Text);
    }

    [Fact]
    public void A_failed_run_that_sent_nothing_is_retried_with_the_same_batch()
    {
        var (launched, first) = Run(Initial(), Stored(Team, 1, "@Andy do it"));
        var (failed, retry) = Run(launched, AgentError(Team, "boom"), Exited(Team, success: false));
        var timer = Assert.Single(retry.OfType<ArmTimer>());
        Assert.Equal(TimeSpan.FromSeconds(5), timer.Delay);
        Assert.Equal(new TimerKey.Retry(Team, 1), timer.Key);
        Assert.DoesNotContain(retry, d => d is AdvanceCursor);
        var again = Run(failed, new PipelineEvent.TimerFired(timer.Key)).Decisions;
        Assert.Equal(first.OfType<LaunchContainer>().Single().Prompt, Assert.Single(again.OfType<LaunchContainer>()).Prompt);
    }

    [Fact]
    public void A_failed_run_that_already_replied_keeps_the_cursor_and_does_not_answer_twice()
    {
        var (failed, decisions) = Run(Initial(), Stored(Team, 1, "@Andy do it"), Result(Team, "done"), Exited(Team, success: false));
        var timer = Assert.Single(decisions.OfType<ArmTimer>());
        Assert.Equal(Message(Team, 1, "").Timestamp, failed.CursorOf(Team));
        Assert.DoesNotContain(Run(failed, new PipelineEvent.TimerFired(timer.Key)).Decisions, d => d is LaunchContainer);
    }

    [Fact]
    public void A_clean_exit_without_any_output_still_commits_the_cursor()
    {
        var decisions = Then(Initial(), [Stored(Main, 1, "hi")], Exited(Main));
        Assert.Contains(new AdvanceCursor(Main, Message(Main, 1, "").Timestamp), decisions);
        Assert.Contains(new SetTyping(Main, false), decisions);
    }

    [Fact]
    public void A_due_task_runs_in_a_task_container_whose_result_goes_to_its_chat_and_which_closes_after_10_s()
    {
        var task = Task("t1", "team", Team);
        var (running, launch) = Run(Initial(), new PipelineEvent.TaskDue(task));
        var l = Assert.Single(launch.OfType<LaunchContainer>());
        Assert.True(l.IsScheduledTask);
        Assert.Equal(task, l.Task);
        Assert.Equal("daily summary", l.Prompt);

        var (done, output) = Run(running, Result(Team, "Summary: all good"), Result(Team, "PS"), Exited(Team));
        Assert.Equal(new SendMessage(Team, "Andy: Summary: all good"), output[0]);
        Assert.Single(output.OfType<ArmTimer>(), c => c.Delay == TimeSpan.FromSeconds(10) && c.Key == new TimerKey.TaskClose(Team, l.RunId));
        Assert.Equal(new TaskFinished(task, true, Prelude.Some("Summary: all good"), Prelude.None), output[^1]);
        Assert.DoesNotContain(output, d => d is AdvanceCursor);
        Assert.True(done.Runs.IsEmpty);
    }

    [Fact]
    public void A_task_due_twice_runs_once()
    {
        var task = Task("t1", "team", Team);
        var decisions = Run(Initial(), new PipelineEvent.TaskDue(task), new PipelineEvent.TaskDue(task)).Decisions;
        Assert.Single(decisions.OfType<LaunchContainer>());
    }

    [Fact]
    public void A_due_task_closes_an_idle_message_container_and_runs_next()
    {
        var task = Task("t1", "team", Team);
        var (idle, _) = Run(Initial(), Stored(Team, 1, "@Andy hi"), TurnEnded(Team));
        var (closing, close) = Run(idle, new PipelineEvent.TaskDue(task));
        Assert.Equal<Decision>([new CancelTimer(new TimerKey.IdleExpiry(Team, 1, 1)), new WriteClose(Team, "team", 1)], close);
        var next = Run(closing, Exited(Team)).Decisions;
        Assert.Single(next.OfType<LaunchContainer>(), l => l.IsScheduledTask);
    }

    [Fact]
    public void Messages_never_reach_a_task_container_they_get_the_next_one()
    {
        var (running, _) = Run(Initial(), new PipelineEvent.TaskDue(Task("t1", "team", Team)), TurnEnded(Team));
        var (waiting, none) = Run(running, Stored(Team, 1, "@Andy question"));
        Assert.DoesNotContain(none, d => d is WriteInput or LaunchContainer);
        var launch = Assert.Single(Run(waiting, Exited(Team)).Decisions.OfType<LaunchContainer>());
        Assert.False(launch.IsScheduledTask);
        Assert.Contains("question", launch.Prompt);
    }

    [Fact]
    public void A_task_of_an_unknown_or_invalid_folder_is_reported_as_an_error_run()
    {
        var gone = Assert.IsType<TaskFinished>(Assert.Single(Run(Initial(), new PipelineEvent.TaskDue(Task("t", "ghost", "x@g.us"))).Decisions));
        Assert.False(gone.Success);
        Assert.Contains("not registered", gone.Error.IfNone(""));
        var invalid = Assert.IsType<TaskFinished>(Assert.Single(Run(Initial(), new PipelineEvent.TaskDue(Task("t", "../etc", "x@g.us"))).Decisions));
        Assert.Contains("invalid group folder", invalid.Error.IfNone(""));
    }

    [Fact]
    public void A_reported_session_id_is_saved_for_the_group_folder()
    {
        var output = new PipelineEvent.ContainerOutput(Team, new NanoClaw.Core.Containers.ContainerOutput(
            NanoClaw.Core.Containers.OutputStatus.Success, Prelude.None, Prelude.Some("sess-1"), Prelude.None));
        Assert.Contains(new SaveSession("team", "sess-1"), Then(Initial(), [Stored(Team, 1, "@Andy hi")], output));
    }

    [Fact]
    public void The_cap_holds_groups_back_in_arrival_order()
    {
        var (state, decisions) = Run(Initial(maxConcurrent: 1), Stored(Main, 1, "a"), Stored(Open, 2, "b"), Stored(Team, 3, "@Andy c"));
        Assert.Equal([Main], decisions.OfType<LaunchContainer>().Select(l => l.GroupJid));
        var (state2, next) = Run(state, Exited(Main));
        Assert.Equal([Open], next.OfType<LaunchContainer>().Select(l => l.GroupJid));
        Assert.Equal([Team], Run(state2, Exited(Open)).Decisions.OfType<LaunchContainer>().Select(l => l.GroupJid));
    }

    [Fact]
    public void After_shutdown_nothing_is_launched()
    {
        var decisions = Run(Initial(), new PipelineEvent.Shutdown(), Stored(Main, 1, "hi"), new PipelineEvent.TaskDue(Task("t", "team", Team))).Decisions;
        Assert.DoesNotContain(decisions, d => d is LaunchContainer or WriteInput);
    }

    [Fact]
    public void Container_events_for_groups_without_a_container_change_nothing()
    {
        var initial = Initial();
        foreach (var e in new[] { Result(Team, "x"), TurnEnded(Team), Exited(Team, false), new PipelineEvent.TimerFired(new TimerKey.Retry(Team, 1)),
                     new PipelineEvent.TimerFired(new TimerKey.IdleExpiry(Team, 1, 1)), new PipelineEvent.TimerFired(new TimerKey.TaskClose(Team, 1)) })
        {
            var (next, decisions) = Router.Update(initial, e);
            Assert.Equal(initial, next);
            Assert.True(decisions.IsEmpty);
        }
    }
}

public class RouterAllowlistExamples
{
    [Fact]
    public void In_trigger_mode_only_allowed_senders_wake_the_agent_others_ride_along_as_context()
    {
        var entry = new NanoClaw.Core.Security.AllowlistEntry(false, LanguageExt.Prelude.Set("Alice@s.whatsapp.net"), NanoClaw.Core.Security.AllowlistMode.Trigger);
        var allowlist = NanoClaw.Core.Security.SenderAllowlist.AllowEveryone with { Chats = LanguageExt.Prelude.Map((Team, entry)) };
        var config = RouterConfig.Create(Config.Assistant, Config.Zone, allowlist);
        var state = Router.Update(RouterState.Initial(config, 2), new PipelineEvent.GroupsChanged(AllGroups)).State;

        var (afterBob, bob) = Run(state, Stored(Team, 1, "@Andy do my bidding", sender: "Bob"));
        Assert.Empty(bob);
        var launch = Assert.Single(Run(afterBob, Stored(Team, 2, "@Andy go ahead", sender: "Alice")).Decisions.OfType<LaunchContainer>());
        Assert.Contains("do my bidding", launch.Prompt);
    }
}

/// <summary>A group that stops being registered (removed, or moved to its chat's new id) while its container runs.</summary>
public class RouterGroupsChangedExamples
{
    [Fact]
    public void A_running_group_that_is_no_longer_registered_is_closed_and_gets_no_more_input()
    {
        var (idle, _) = Run(Initial(), Stored(Team, 1, "@Andy hi"), TurnEnded(Team));
        // Team's chat moved to a new id: the same group (folder "team") is registered under it.
        var moved = AllGroups.Remove(Team).Add("tg:-100555", Group("tg:-100555", "team"));
        var (closing, close) = Run(idle, new PipelineEvent.GroupsChanged(moved));
        Assert.Equal<Decision>([new CancelTimer(new TimerKey.IdleExpiry(Team, 1, 1)), new WriteClose(Team, "team", 1)], close);
        // Nothing more is piped into the closing run; its exit launches nothing for the old id.
        Assert.DoesNotContain(Run(closing, Stored(Team, 2, "@Andy still there?")).Decisions, d => d is WriteInput or LaunchContainer);
        Assert.DoesNotContain(Run(closing, Exited(Team)).Decisions, d => d is LaunchContainer);
    }

    [Fact]
    public void A_groups_change_that_keeps_the_running_group_closes_nothing()
    {
        var (idle, _) = Run(Initial(), Stored(Team, 1, "@Andy hi"), TurnEnded(Team));
        var more = AllGroups.Add("tg:-100777", Group("tg:-100777", "family"));
        Assert.Empty(Run(idle, new PipelineEvent.GroupsChanged(more)).Decisions);
        Assert.Empty(Run(idle, new PipelineEvent.GroupsChanged(AllGroups)).Decisions);
    }
}
