using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Pipeline;
using static NanoClaw.Core.Pipeline.Decision;
using static NanoClaw.Tests.Core.Pipeline.PipelineFixture;

namespace NanoClaw.Tests.Core.Pipeline;

/// <summary>
/// Runs, closing and timers (issue 15) over random interleavings of messages, outputs, idle / task-close / retry timer
/// firings (stale ones of earlier runs included), exits and crashes.
/// </summary>
[Trait("Category", "Property")]
public class RouterRunProperties
{
    private const int Runs = 300;

    /// <summary>Any interleaving, containers misbehaving included: nothing reaches a run the core decided to close or a run that is not the group's live one.</summary>
    [Property(Arbitrary = [typeof(SessionArbitraries)], MaxTest = Runs)]
    public void Nothing_is_piped_into_a_run_the_core_closed_and_the_cap_holds(Session session)
    {
        var driver = SessionDriver.Play(session, drain: true);
        var live = new Dictionary<string, long>();
        var closed = new System.Collections.Generic.HashSet<long>();
        foreach (var (e, decisions) in driver.Log)
        {
            if (e is PipelineEvent.ContainerExited x) live.Remove(x.Group);
            foreach (var d in decisions)
            {
                switch (d)
                {
                    case LaunchContainer l:
                        Assert.False(live.ContainsKey(l.GroupJid), $"second run for {l.GroupJid}");
                        live[l.GroupJid] = l.RunId;
                        Assert.True(live.Count <= session.MaxConcurrent, $"{live.Count} runs, cap {session.MaxConcurrent}");
                        break;
                    case WriteClose c:
                        Assert.Equal(live[c.GroupJid], c.RunId);
                        Assert.True(closed.Add(c.RunId), $"run {c.RunId} closed twice");
                        break;
                    case WriteInput w:
                        Assert.Equal(live[w.GroupJid], w.RunId);
                        Assert.DoesNotContain(w.RunId, closed);
                        break;
                }
            }
        }
    }

    /// <summary>Run ids are never reused, and every launch gets a new one.</summary>
    [Property(Arbitrary = [typeof(SessionArbitraries)], MaxTest = Runs)]
    public void Every_launch_gets_a_fresh_run_id(Session session)
    {
        var ids = SessionDriver.Play(session, drain: true).Decisions.OfType<LaunchContainer>().Select(l => l.RunId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.Order(), ids);
    }

    /// <summary>A timer for a run that is gone (or for an earlier turn of a live run, or a retry no longer awaited) changes nothing.</summary>
    [Property(Arbitrary = [typeof(SessionArbitraries)], MaxTest = Runs)]
    public void A_timer_for_a_finished_run_changes_nothing(Session session)
    {
        var driver = SessionDriver.Play(session, drain: true);
        for (var i = 0; i < driver.Log.Count; i++)
        {
            if (driver.Log[i].Event is not PipelineEvent.TimerFired fired) continue;
            var before = driver.Before[i];
            var stale = fired.Key switch
            {
                TimerKey.IdleExpiry k => before.Runs.Find(k.Group).Case is not ActiveRun r || r.Id != k.RunId || r.Turn != k.Turn,
                TimerKey.TaskClose k => before.Runs.Find(k.Group).Case is not ActiveRun r || r.Id != k.RunId,
                TimerKey.Retry k => before.Queue.WorkOf(k.Group).RetryScheduled != Prelude.Some(k.Attempt),
                _ => false,
            };
            if (!stale) continue;
            Assert.Empty(driver.Log[i].Decisions);
            Assert.Equal(before, i + 1 < driver.Before.Count ? driver.Before[i + 1] : driver.State);
        }
    }

    /// <summary>
    /// With containers that behave (they answer each input, end their turn, and exit when told to close or when
    /// drained), every triggering message, with the context before it, is handed to exactly one run, exactly once.
    /// Timers fire at random, stale ones included.
    /// </summary>
    [Property(Arbitrary = [typeof(WellBehavedArbitraries)], MaxTest = Runs)]
    public void Every_triggering_message_is_answered_exactly_once(WellBehavedSession session)
    {
        var driver = new WellBehavedDriver(session.MaxConcurrent);
        foreach (var act in session.Acts) driver.Do(act);
        driver.Drain();

        var handed = driver.Core.Decisions.Select(d => d switch { LaunchContainer l => l.Prompt, WriteInput w => w.Text, _ => "" }).ToList();
        var stored = driver.Core.Log.Select(l => l.Event).OfType<PipelineEvent.MessageStored>().Select(m => m.Message).ToList();
        foreach (var chat in GroupJids)
        {
            var group = AllGroups[chat];
            var inChat = stored.Where(m => m.ChatJid == chat).ToList();
            var lastWaking = group.IsMain || !group.RequiresTrigger ? inChat.Count - 1 : inChat.FindLastIndex(m => m.Content.StartsWith("@Andy"));
            for (var i = 0; i < inChat.Count; i++)
            {
                var marker = $">{Escaped(inChat[i].Content)}</message>";
                var times = handed.Count(h => h.Contains(marker, StringComparison.Ordinal));
                if (i <= lastWaking) Assert.True(times == 1, $"'{inChat[i].Content}' in {chat} handed {times} times");
                // Later chatter rides along when it arrived before the batch was handed over; never twice.
                else Assert.True(times <= 1, $"'{inChat[i].Content}' in {chat} (after the last trigger) handed {times} times");
            }
        }
    }

    private static string Escaped(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    /// <summary>A group with its own trigger wakes on it, and never on the assistant's name or another group's trigger.</summary>
    [Property(MaxTest = Runs)]
    public void A_custom_trigger_group_wakes_on_its_trigger_and_never_on_another(NonEmptyArray<(byte Who, byte Prefix)> says)
    {
        const string claw = "claw@g.us", bob = "bob@g.us";
        var groups = LanguageExt.Prelude.toMap(new[]
        {
            (claw, new RegisteredGroup(claw, "claw", "claw", "@Claw", "2026-01-01T00:00:00.000Z", Prelude.None, true, false)),
            (bob, new RegisteredGroup(bob, "bob", "bob", " @Bob ", "2026-01-01T00:00:00.000Z", Prelude.None, true, false)),
            (Team, Group(Team, "team") with { Trigger = "" }),
        });
        var prefixes = new[] { "@Claw ", "@claw, ", "@Bob ", "@Andy ", "", "@Clawdia ", "Claw " };
        var chats = new[] { claw, bob, Team };
        var state = Router.Update(RouterState.Initial(PipelineFixture.Config, 5), new PipelineEvent.GroupsChanged(groups)).State;
        var launched = new System.Collections.Generic.HashSet<string>();
        var expected = new System.Collections.Generic.HashSet<string>();
        var second = 0;
        foreach (var (who, prefix) in says.Get)
        {
            var chat = chats[who % chats.Length];
            var text = prefixes[prefix % prefixes.Length] + $"hello {++second}";
            var own = chat == claw ? "@claw" : chat == bob ? "@bob" : "@andy";
            if (text.StartsWith(own + " ", StringComparison.OrdinalIgnoreCase) || text.StartsWith(own + ",", StringComparison.OrdinalIgnoreCase))
                expected.Add(chat);
            var (next, decisions) = Router.Update(state, Stored(chat, second, text));
            state = next;
            foreach (var l in decisions.OfType<LaunchContainer>()) launched.Add(l.GroupJid);
        }
        Assert.Equal(expected.Order(), launched.Order());
    }
}

public sealed record WellBehavedSession(int MaxConcurrent, Act[] Acts)
{
    public override string ToString() => $"cap {MaxConcurrent}: {string.Join(", ", Acts.Select(a => a.ToString()))}";
}

/// <summary>Sessions of <see cref="Act.Say"/>, replies, turn ends, task due, timer firings (stale too) and exits of closed containers.</summary>
public static class WellBehavedArbitraries
{
    private static Gen<Act> ActGen =>
        Gen.Frequency(
            (8, from g in Gen.Choose(0, GroupJids.Length - 1)
                from t in Gen.Elements(true, false, false)
                select (Act)new Act.Say(g, t, "")),
            (4, Gen.Choose(0, 5).Select(p => (Act)new Act.Reply(p, "answer", ""))),
            (4, Gen.Choose(0, 5).Select(p => (Act)new Act.EndTurn(p))),
            (3, Gen.Choose(0, 5).Select(p => (Act)new Act.Exit(p, true))),
            (2, Gen.Choose(0, 3).Select(t => (Act)new Act.Due(t))),
            (4, from p in Gen.Choose(0, 7) from stale in Gen.Elements(false, true) select (Act)new Act.Fire(p, stale)));

    public static Arbitrary<WellBehavedSession> Sessions() =>
        Arb.From(
            from cap in Gen.Choose(1, 3)
            from acts in Gen.Sized(n => Gen.ArrayOf(ActGen, Math.Max(1, n)))
            select new WellBehavedSession(cap, acts),
            s => s.Acts.Length <= 1
                ? []
                : Enumerable.Range(0, s.Acts.Length).Select(i => s with { Acts = [.. s.Acts[..i], .. s.Acts[(i + 1)..]] }));
}

/// <summary>
/// Plays acts as real containers would: output and turn ends only while busy with input, exits only after the core
/// wrote <c>_close</c> for the run (the runner reads it between turns). Timers fire as the shell fires them.
/// </summary>
public sealed class WellBehavedDriver(int maxConcurrent)
{
    private readonly Dictionary<string, bool> busy = new();
    private readonly System.Collections.Generic.HashSet<string> closed = [];
    private readonly List<TimerKey> armed = [];
    private readonly List<TimerKey> everArmed = [];

    public SessionDriver Core { get; } = new(maxConcurrent);

    private IReadOnlyList<string> Live => Core.Live;

    public void Do(Act act)
    {
        switch (act)
        {
            case Act.Say:
            case Act.Due:
                Apply(act);
                break;
            case Act.Reply r when PickBusy(r.Pick) is { } g:
                Core.Apply(Result(g, "answer"));
                Track();
                break;
            case Act.EndTurn e when PickBusy(e.Pick) is { } g:
                busy[g] = false;
                Core.Apply(TurnEnded(g));
                Track();
                break;
            case Act.Exit x when Live.Where(g => closed.Contains(g) && !busy.GetValueOrDefault(g)).ToList() is { Count: > 0 } done:
                Exit(done[x.Pick % done.Count]);
                break;
            case Act.Fire f when (f.Stale ? everArmed : armed) is { Count: > 0 } keys:
                Fire(keys[f.Pick % keys.Count]);
                break;
        }
    }

    /// <summary>Finishes everything: busy agents answer and end their turn, then every container is closed by its timer and exits.</summary>
    public void Drain()
    {
        for (var guard = 0; guard < 2000 && (Live.Count > 0 || armed.Count > 0); guard++)
        {
            if (Live.FirstOrDefault(g => busy.GetValueOrDefault(g)) is { } working)
            {
                Do(new Act.EndTurn(Live.ToList().IndexOf(working)));
                continue;
            }
            if (Live.FirstOrDefault(closed.Contains) is { } closing)
            {
                Exit(closing);
                continue;
            }
            if ((armed.FirstOrDefault(k => k is not TimerKey.Retry) ?? armed.FirstOrDefault()) is { } key)
            {
                Fire(key);
                continue;
            }
            // An idle container without a timer (cannot happen): let it go.
            if (Live.Count > 0) Exit(Live[0]);
        }
        Assert.Empty(Live);
    }

    private string? PickBusy(int pick)
    {
        var working = Live.Where(g => busy.GetValueOrDefault(g)).ToList();
        return working.Count == 0 ? null : working[pick % working.Count];
    }

    private void Apply(Act act)
    {
        Core.Do(act);
        Track();
    }

    private void Fire(TimerKey key)
    {
        armed.Remove(key);
        Core.Apply(new PipelineEvent.TimerFired(key));
        Track();
    }

    private void Exit(string group)
    {
        closed.Remove(group);
        busy.Remove(group);
        Core.Apply(Exited(group));
        Track();
    }

    /// <summary>Reads the decisions of the last event as the shell performs them.</summary>
    private void Track()
    {
        foreach (var d in Core.Log[^1].Decisions)
        {
            switch (d)
            {
                case LaunchContainer l: busy[l.GroupJid] = true; break;
                case WriteInput w: busy[w.GroupJid] = true; break;
                case WriteClose c: closed.Add(c.GroupJid); break;
                case ArmTimer a: armed.Remove(a.Key); armed.Add(a.Key); everArmed.Add(a.Key); break;
                case CancelTimer c: armed.Remove(c.Key); break;
            }
        }
    }
}
