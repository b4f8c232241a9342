using FsCheck;
using FsCheck.Fluent;
using NanoClaw.Core.Pipeline;
using static NanoClaw.Tests.Core.Pipeline.PipelineFixture;

namespace NanoClaw.Tests.Core.Pipeline;

/// <summary>One thing that happens in a generated session; the driver turns it into a pipeline event.</summary>
public abstract record Act
{
    /// <summary>A user writes in group <paramref name="Group"/>; <paramref name="Trigger"/> prefixes <c>@Andy</c>.</summary>
    public sealed record Say(int Group, bool Trigger, string Extra) : Act;
    /// <summary>The agent of a running container replies; <paramref name="Internal"/> hides part of it.</summary>
    public sealed record Reply(int Pick, string Visible, string Internal) : Act;
    public sealed record EndTurn(int Pick) : Act;
    public sealed record Exit(int Pick, bool Success) : Act;
    public sealed record Error(int Pick) : Act;
    public sealed record Due(int Task) : Act;
    public sealed record FireRetries : Act;
    /// <summary>A timer fires: one still armed, or (<paramref name="Stale"/>) any ever armed, including cancelled ones of earlier runs.</summary>
    public sealed record Fire(int Pick, bool Stale) : Act;
}

public sealed record Session(int MaxConcurrent, Act[] Acts)
{
    public override string ToString() => $"cap {MaxConcurrent}: {string.Join(", ", Acts.Select(a => a.ToString()))}";
}

public static class SessionArbitraries
{
    private static Gen<string> Text =>
        Gen.Elements("", "ok", "a & b", "<b>bold</b>", "\"quoted\"", "<internal>x</internal>", "multi\nline", "ünïcødé", "</internal>");

    private static Gen<Act> ActGen =>
        Gen.Frequency(
            (8, from g in Gen.Choose(0, GroupJids.Length - 1)
                from t in Gen.Elements(true, false, false)
                from x in Text
                select (Act)new Act.Say(g, t, x)),
            (4, from p in Gen.Choose(0, 5) from v in Text from i in Text select (Act)new Act.Reply(p, v, i)),
            (4, Gen.Choose(0, 5).Select(p => (Act)new Act.EndTurn(p))),
            (3, from p in Gen.Choose(0, 5) from s in Gen.Elements(true, true, false) select (Act)new Act.Exit(p, s)),
            (1, Gen.Choose(0, 5).Select(p => (Act)new Act.Error(p))),
            (2, Gen.Choose(0, 3).Select(t => (Act)new Act.Due(t))),
            (1, Gen.Constant((Act)new Act.FireRetries())),
            (3, from p in Gen.Choose(0, 7) from stale in Gen.Elements(false, false, true) select (Act)new Act.Fire(p, stale)));

    public static Arbitrary<Session> Sessions() =>
        Arb.From(
            from cap in Gen.Choose(1, 3)
            from acts in Gen.Sized(n => Gen.ArrayOf(ActGen, Math.Max(1, n)))
            select new Session(cap, acts),
            s => s.Acts.Length <= 1
                ? []
                : Enumerable.Range(0, s.Acts.Length).Select(i => s with { Acts = [.. s.Acts[..i], .. s.Acts[(i + 1)..]] })
                    .Prepend(s with { Acts = s.Acts[..(s.Acts.Length / 2)] }));
}

/// <summary>Plays a session against the router like a tiny shell would, recording every event and decision.</summary>
public sealed class SessionDriver
{
    private readonly List<string> _live = [];
    private readonly List<TimerKey> _armed = [];
    private readonly List<TimerKey> _everArmed = [];
    private int _second;

    public RouterState State { get; private set; }
    public List<(PipelineEvent Event, IReadOnlyList<Decision> Decisions)> Log { get; } = [];

    /// <summary>The state before each logged event (same index as <see cref="Log"/>).</summary>
    public List<RouterState> Before { get; } = [];
    public IEnumerable<Decision> Decisions => Log.SelectMany(l => l.Decisions);

    public SessionDriver(int maxConcurrent) => State = Initial(maxConcurrent);

    public static SessionDriver Play(Session session, bool drain = false)
    {
        var driver = new SessionDriver(session.MaxConcurrent);
        foreach (var act in session.Acts) driver.Do(act);
        if (drain) driver.Drain();
        return driver;
    }

    public void Do(Act act)
    {
        switch (act)
        {
            case Act.Say s:
                _second++;
                Apply(Stored(GroupJids[s.Group], _second, (s.Trigger ? "@Andy " : "") + $"n{_second}n {s.Extra}"));
                break;
            case Act.Reply r when Pick(r.Pick) is { } g: Apply(Result(g, $"{r.Visible}<internal>{r.Internal}</internal>")); break;
            case Act.EndTurn e when Pick(e.Pick) is { } g: Apply(TurnEnded(g)); break;
            case Act.Error e when Pick(e.Pick) is { } g: Apply(AgentError(g, "boom")); break;
            case Act.Exit x when Pick(x.Pick) is { } g: Apply(Exited(g, x.Success)); break;
            case Act.Due d: Apply(new PipelineEvent.TaskDue(Task($"t{d.Task}", AllGroups[GroupJids[d.Task]].Folder, GroupJids[d.Task]))); break;
            case Act.FireRetries:
                foreach (var t in _armed.OfType<TimerKey.Retry>().ToList()) Apply(new PipelineEvent.TimerFired(t));
                break;
            case Act.Fire f when f.Stale && _everArmed.Count > 0: Apply(new PipelineEvent.TimerFired(_everArmed[f.Pick % _everArmed.Count])); break;
            case Act.Fire f when !f.Stale && _armed.Count > 0: Apply(new PipelineEvent.TimerFired(_armed[f.Pick % _armed.Count])); break;
        }
    }

    /// <summary>Lets every container finish cleanly and every retry fire, until nothing is left to do.</summary>
    public void Drain()
    {
        for (var guard = 0; guard < 1000 && (_live.Count > 0 || _armed.Count > 0); guard++)
        {
            if (_live.Count > 0) Apply(Exited(_live[0]));
            else Apply(new PipelineEvent.TimerFired(_armed[0]));
        }
    }

    private string? Pick(int index) => _live.Count == 0 ? null : _live[index % _live.Count];

    /// <summary>Groups whose container is running, in launch order.</summary>
    public IReadOnlyList<string> Live => _live;

    public void Apply(PipelineEvent e)
    {
        var (next, decisions) = Router.Update(State, e);
        Before.Add(State);
        State = next;
        Log.Add((e, decisions.ToList()));
        if (e is PipelineEvent.ContainerExited x) _live.Remove(x.Group);
        if (e is PipelineEvent.TimerFired t) _armed.Remove(t.Key);
        foreach (var d in decisions)
        {
            switch (d)
            {
                case Decision.LaunchContainer l: _live.Add(l.GroupJid); break;
                // What the shell does: an armed key replaces an equal one; a cancelled one never fires.
                case Decision.ArmTimer a: _armed.Remove(a.Key); _armed.Add(a.Key); _everArmed.Add(a.Key); break;
                case Decision.CancelTimer c: _armed.Remove(c.Key); break;
            }
        }
    }
}
