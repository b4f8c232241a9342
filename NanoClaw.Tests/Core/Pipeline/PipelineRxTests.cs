using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Pipeline;
using static NanoClaw.Core.Pipeline.Decision;
using static NanoClaw.Tests.Core.Pipeline.PipelineFixture;

namespace NanoClaw.Tests.Core.Pipeline;

/// <summary>The Rx entry point on virtual time, with a small in-test shell that feeds timers back.</summary>
public class PipelineRxTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 31, 14, 0, 0, TimeSpan.Zero);

    private static IObservable<T> At<T>(IScheduler scheduler, double seconds, T value) =>
        Observable.Timer(TimeSpan.FromSeconds(seconds), scheduler).Select(_ => value);

    [Fact]
    public void Separate_sources_are_merged_in_arrival_order_and_decided_at_once()
    {
        var scheduler = new HistoricalScheduler(Start);
        var inbound = At(scheduler, 1, Message(Team, 1, "chatter")).Merge(At(scheduler, 3, Message(Team, 3, "@Andy help")));
        var containers = At<PipelineEvent>(scheduler, 5, Result(Team, "on it")).Merge(At(scheduler, 6, TurnEnded(Team)));
        var seen = new List<(DateTimeOffset At, Decision Decision)>();

        using var _ = NanoClawPipeline
            .Decisions(Initial(), inbound, containers, Observable.Never<PipelineEvent>(), Observable.Never<PipelineEvent>())
            .Subscribe(d => seen.Add((scheduler.Now, d)));
        scheduler.AdvanceBy(TimeSpan.FromSeconds(10));

        var launch = Assert.Single(seen, s => s.Decision is LaunchContainer);
        Assert.Equal(Start.AddSeconds(3), launch.At);
        Assert.Contains("chatter", ((LaunchContainer)launch.Decision).Prompt);
        Assert.Equal(Start.AddSeconds(5), seen.Single(s => s.Decision is SendMessage).At);
        Assert.Equal((Start.AddSeconds(6), (Decision)new SetTyping(Team, false)), seen[^2]);
        Assert.Equal((Start.AddSeconds(6), (Decision)new ArmTimer(new TimerKey.IdleExpiry(Team, 1, 1), Config.IdleTimeout)), seen[^1]);
    }

    [Fact]
    public void A_retry_timer_fed_back_on_virtual_time_relaunches_exactly_5_s_after_the_failure()
    {
        var scheduler = new HistoricalScheduler(Start);
        var feedback = new Subject<PipelineEvent>();
        var script = At(scheduler, 1, Stored(Team, 1, "@Andy try")).Merge(At(scheduler, 10, Exited(Team, success: false)));
        var launches = new List<DateTimeOffset>();

        using var _ = NanoClawPipeline.Decisions(script.Merge(feedback), Initial()).Subscribe(d =>
        {
            switch (d)
            {
                case LaunchContainer: launches.Add(scheduler.Now); break;
                // What the shell does with a retry decision: a timer that feeds the event back.
                case ArmTimer a: scheduler.Schedule(a.Delay, () => feedback.OnNext(new PipelineEvent.TimerFired(a.Key))); break;
            }
        });
        scheduler.AdvanceBy(TimeSpan.FromMinutes(1));

        Assert.Equal([Start.AddSeconds(1), Start.AddSeconds(15)], launches);
    }

    [Fact]
    public void A_task_container_is_closed_10_s_after_its_first_result()
    {
        var scheduler = new HistoricalScheduler(Start);
        var feedback = new Subject<PipelineEvent>();
        var script = At<PipelineEvent>(scheduler, 1, new PipelineEvent.TaskDue(Task("t1", "team", Team)))
            .Merge(At(scheduler, 4, Result(Team, "report")));
        var closes = new List<DateTimeOffset>();

        using var _ = NanoClawPipeline.Decisions(script.Merge(feedback), Initial()).Subscribe(d =>
        {
            switch (d)
            {
                case ArmTimer a: scheduler.Schedule(a.Delay, () => feedback.OnNext(new PipelineEvent.TimerFired(a.Key))); break;
                case WriteClose: closes.Add(scheduler.Now); break;
            }
        });
        scheduler.AdvanceBy(TimeSpan.FromMinutes(1));

        Assert.Equal([Start.AddSeconds(14)], closes);
    }

    [Fact]
    public void Transitions_expose_the_state_after_each_event()
    {
        var states = new List<RouterState>();
        using var _ = NanoClawPipeline.Transitions(new[] { Stored(Main, 1, "hi"), Exited(Main) }.ToObservable(), Initial())
            .Subscribe(t => states.Add(t.State));
        Assert.Equal(2, states.Count);
        Assert.True(states[0].Runs.ContainsKey(Main));
        Assert.True(states[1].Runs.IsEmpty);
        Assert.Equal(Message(Main, 1, "").Timestamp, states[1].CursorOf(Main));
    }
}
