using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Pipeline;
using NanoClaw.Core.Queue;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;
using NanoClaw.Core.Status;
using NanoClaw.Tests.Cli;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Usage;

/// <summary>The status view computed from a router state, and <c>nanoclaw status</c> without a daemon.</summary>
[Trait("Category", "Dashboard")]
public sealed class StatusViewTests
{
    private static RegisteredGroup Group(string jid, string folder) => new(jid, folder, folder, "@Andy", "2026-01-01T00:00:00.000Z", None, true, false);

    [Fact]
    public void Running_waiting_and_retrying_groups_come_from_the_queue()
    {
        var state = RouterState.Initial(RouterConfig.Create(new AssistantOptions("Andy", false), TimeZoneInfo.Utc), 1);
        state = state with
        {
            Groups = RouterState.Ordinal(toMap(new[] { ("g1", Group("g1", "family")), ("g2", Group("g2", "work")), ("g3", Group("g3", "club")) })),
            Queue = state.Queue with
            {
                Running = state.Queue.Running.AddOrUpdate("g1", new RunningContainer(ContainerKind.Messages, None, true, true)),
                Work = state.Queue.Work.AddOrUpdate("g2", new GroupWork(true, Seq1("t9"), 0, None))
                    .AddOrUpdate("g3", new GroupWork(false, Empty, 2, Some(2))),
                Waiting = WaitingLine.Empty.Enqueue("g2"),
            },
        };
        var since = new DateTimeOffset(2026, 11, 30, 7, 0, 0, TimeSpan.Zero);
        var tasks = Seq(
            Task("late", "work", "2026-12-02T00:00:00.000Z", TaskStatus.Active),
            Task("soon", "family", "2026-12-01T00:00:00.000Z", TaskStatus.Active),
            Task("paused", "family", "2026-11-30T08:00:00.000Z", TaskStatus.Paused));

        var view = StatusView.From(state, Seq1(new ChannelStatus("local", true)),
            Map(("g1", new ContainerFacts(Some("nanoclaw-family-1"), since))), tasks,
            Seq1(new GroupErrorStatus("club", "2026-11-30T06:00:00.000Z", "exit 1")));

        Assert.Equal(new RunningStatus("family", "g1", Some("nanoclaw-family-1"), Some(since), false, true, None), Assert.Single(view.Running));
        Assert.Equal(new WaitingStatus("work", true, 1), Assert.Single(view.Waiting));
        Assert.Equal(new RetryStatus("club", 2, 2), Assert.Single(view.Retries));
        Assert.Equal(new[] { "soon", "late" }, view.NextTasks.Map(t => t.TaskId).ToArray());
        Assert.Equal(1, view.MaxConcurrent);
    }

    [Fact]
    public void A_container_not_started_yet_has_no_name()
    {
        var state = RouterState.Initial(RouterConfig.Create(new AssistantOptions("Andy", false), TimeZoneInfo.Utc), 2);
        state = state with { Queue = state.Queue with { Running = state.Queue.Running.AddOrUpdate("g1", RunningContainer.ForTask("t1")) } };
        var running = Assert.Single(StatusView.From(state, Empty, Map<string, ContainerFacts>(), Empty, Empty).Running);
        Assert.Equal(("g1", true, Some("t1")), (running.Group, running.Busy, running.TaskId));
        Assert.True(running.Container.IsNone);
    }

    [Fact]
    public void Without_a_daemon_status_says_so_and_exits_8()
    {
        using var project = new CliProject();
        var result = project.Run("status");
        Assert.Equal(8, result.ExitCode);
        Assert.Contains("no daemon is running", result.StdErr);
    }

    private static ScheduledTask Task(string id, string folder, string next, TaskStatus status) =>
        new(id, folder, "jid", "p", ScheduleType.Cron, "0 9 * * *", ContextMode.Isolated, None, Some(next), None, None, status, "2026-01-01T00:00:00.000Z");
}
