using System.Reactive.Concurrency;
using System.Reactive.Linq;
using FsCheck.Xunit;
using NanoClaw.Core.Pipeline;
using static NanoClaw.Core.Pipeline.Decision;
using static NanoClaw.Tests.Core.Pipeline.PipelineFixture;

namespace NanoClaw.Tests.Core.Pipeline;

/// <summary>Invariants of the router over generated sessions (messages, replies, turns, exits, tasks, retries).</summary>
[Trait("Category", "Property")]
public class RouterProperties
{
    private const int Runs = 200;

    [Property(Arbitrary = [typeof(SessionArbitraries)], MaxTest = Runs)]
    public void The_same_events_give_the_same_decisions_on_virtual_time(Session session)
    {
        var events = SessionDriver.Play(session).Log.Select(l => l.Event).ToList();
        List<(long, Decision)> RunOnce()
        {
            var scheduler = new HistoricalScheduler(new DateTimeOffset(2026, 1, 31, 14, 0, 0, TimeSpan.Zero));
            var timed = events.Select((e, i) => Observable.Timer(TimeSpan.FromMilliseconds(10 * (i + 1)), scheduler).Select(_ => e)).Merge();
            var seen = new List<(long, Decision)>();
            using var _ = NanoClawPipeline.Decisions(timed, Initial(session.MaxConcurrent)).Subscribe(d => seen.Add((scheduler.Now.ToUnixTimeMilliseconds(), d)));
            scheduler.AdvanceBy(TimeSpan.FromSeconds(events.Count + 1));
            return seen;
        }
        var first = RunOnce();
        Assert.Equal(first, RunOnce());
        Assert.Equal(SessionDriver.Play(session).Decisions, first.Select(s => s.Item2));
    }

    [Property(Arbitrary = [typeof(SessionArbitraries)], MaxTest = Runs)]
    public void No_message_sent_to_a_chat_ever_contains_internal_text(Session session)
    {
        foreach (var send in SessionDriver.Play(session, drain: true).Decisions.OfType<SendMessage>())
        {
            Assert.DoesNotContain("<internal>", send.Text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("</internal>", send.Text, StringComparison.OrdinalIgnoreCase);
            Assert.StartsWith("Andy: ", send.Text);
            Assert.Contains(send.ChatJid, GroupJids);
        }
    }

    [Property(Arbitrary = [typeof(SessionArbitraries)], MaxTest = Runs)]
    public void No_group_ever_has_two_containers_and_the_cap_holds(Session session)
    {
        var live = new HashSet<string>();
        foreach (var (e, decisions) in SessionDriver.Play(session, drain: true).Log)
        {
            if (e is PipelineEvent.ContainerExited x) live.Remove(x.Group);
            foreach (var launch in decisions.OfType<LaunchContainer>())
            {
                Assert.True(live.Add(launch.GroupJid), $"second container for {launch.GroupJid}");
                Assert.True(live.Count <= session.MaxConcurrent);
            }
        }
    }

    [Property(Arbitrary = [typeof(SessionArbitraries)], MaxTest = Runs)]
    public void Input_is_written_only_to_a_message_container_that_ended_its_turn(Session session)
    {
        var messageContainers = new HashSet<string>();
        var idle = new HashSet<string>();
        foreach (var (e, decisions) in SessionDriver.Play(session).Log)
        {
            switch (e)
            {
                case PipelineEvent.ContainerExited x: messageContainers.Remove(x.Group); idle.Remove(x.Group); break;
                case PipelineEvent.ContainerOutput o when o.Output.Status == NanoClaw.Core.Containers.OutputStatus.Success && o.Output.Result.IsNone:
                    idle.Add(o.Group); break;
            }
            foreach (var d in decisions)
            {
                if (d is LaunchContainer { IsScheduledTask: false } l) messageContainers.Add(l.GroupJid);
                if (d is WriteInput w)
                {
                    Assert.Contains(w.GroupJid, messageContainers);
                    Assert.True(idle.Remove(w.GroupJid), $"input written to busy container of {w.GroupJid}");
                }
            }
        }
    }

    [Property(Arbitrary = [typeof(SessionArbitraries)], MaxTest = Runs)]
    public void Stored_cursors_only_move_forward_and_never_past_stored_messages(Session session)
    {
        var driver = SessionDriver.Play(session, drain: true);
        var newest = new Dictionary<string, string>();
        var stored = new Dictionary<string, string>();
        foreach (var (e, decisions) in driver.Log)
        {
            if (e is PipelineEvent.MessageStored m) newest[m.Message.ChatJid] = m.Message.Timestamp;
            foreach (var c in decisions.OfType<AdvanceCursor>())
            {
                Assert.True(string.CompareOrdinal(c.Timestamp, stored.GetValueOrDefault(c.ChatJid, "")) > 0, $"cursor of {c.ChatJid} did not move forward");
                Assert.True(string.CompareOrdinal(c.Timestamp, newest[c.ChatJid]) <= 0);
                stored[c.ChatJid] = c.Timestamp;
            }
        }
    }

    [Property(Arbitrary = [typeof(SessionArbitraries)], MaxTest = Runs)]
    public void Every_message_that_should_wake_an_agent_reaches_one_once_containers_finish(Session session)
    {
        var driver = SessionDriver.Play(session, drain: true);
        var given = string.Join("\n", driver.Decisions.Select(d => d switch { LaunchContainer l => l.Prompt, WriteInput w => w.Text, _ => "" }));
        var gaveUp = driver.Decisions.OfType<RetriesExhausted>().Select(r => r.GroupJid).ToHashSet();
        var stored = driver.Log.Select(l => l.Event).OfType<PipelineEvent.MessageStored>().Select(m => m.Message).ToList();
        foreach (var chat in GroupJids.Where(c => !gaveUp.Contains(c)))
        {
            var group = AllGroups[chat];
            var inChat = stored.Where(m => m.ChatJid == chat).ToList();
            // Messages up to the last trigger (or all, where no trigger is needed) must have been given to an agent.
            var lastWaking = group.IsMain || !group.RequiresTrigger ? inChat.Count - 1 : inChat.FindLastIndex(m => m.Content.StartsWith("@Andy"));
            foreach (var m in inChat.Take(lastWaking + 1))
                Assert.Contains(m.Content.Split(' ')[m.Content.StartsWith('@') ? 1 : 0], given);
        }
    }

    [Property(MaxTest = Runs)]
    public void Exactly_one_container_is_launched_for_a_triggered_batch_when_nothing_runs(byte untriggered, bool main, int seed)
    {
        var chat = main ? Main : Team;
        var events = Enumerable.Range(1, untriggered % 20).Select(i => Stored(chat, i, $"chatter {i} {seed}")).ToList();
        var (state, before) = Run(Initial(), [.. events]);
        var (_, after) = Run(state, Stored(chat, 100, $"@Andy go {seed}"));
        var launches = before.Concat(after).OfType<LaunchContainer>().ToList();
        // In the main group the first message already wakes the agent; later ones wait for it.
        Assert.Single(launches);
        Assert.Equal(chat, launches[0].GroupJid);
        if (!main) Assert.Empty(before);
    }

    [Property(MaxTest = Runs)]
    public void Untriggered_messages_appear_in_the_next_triggered_prompt_in_order(byte count, int seed)
    {
        var n = count % 15 + 1;
        var (state, quiet) = Run(Initial(), [.. Enumerable.Range(1, n).Select(i => Stored(Family, i, $"w{i}x{seed} & <co>"))]);
        Assert.Empty(quiet);
        var prompt = Assert.Single(Run(state, Stored(Family, 50, "@Andy summarise")).Decisions.OfType<LaunchContainer>()).Prompt;
        var positions = Enumerable.Range(1, n).Select(i => prompt.IndexOf($"w{i}x{seed} &amp; &lt;co&gt;", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.OrderBy(p => p), positions);
        Assert.True(prompt.IndexOf("@Andy summarise", StringComparison.Ordinal) > positions[^1]);
    }

    [Property(MaxTest = Runs)]
    public void A_follow_up_to_an_idle_container_is_written_into_it_not_launched(byte followUps, bool replyFirst, bool main)
    {
        var chat = main ? Main : Team;
        var setup = new List<PipelineEvent> { Stored(chat, 1, "@Andy start") };
        if (replyFirst) setup.Add(Result(chat, "started"));
        setup.Add(TurnEnded(chat));
        var state = Run(Initial(), [.. setup]).State;
        for (var i = 0; i < followUps % 5 + 1; i++)
        {
            var (next, decisions) = Run(state, Stored(chat, 10 + i, $"@Andy more {i}"), TurnEnded(chat));
            Assert.DoesNotContain(decisions, d => d is LaunchContainer);
            var input = Assert.Single(decisions.OfType<WriteInput>());
            Assert.Contains($"more {i}", input.Text);
            Assert.DoesNotContain("start", input.Text);
            state = next;
        }
    }
}
