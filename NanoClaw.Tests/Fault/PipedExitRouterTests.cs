using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Pipeline;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Fault;

/// <summary>
/// Found by the SIGKILL test: a container that quits cleanly just as a batch is piped into it must not take that batch
/// with it (the cursor used to be committed past it, so the messages were never answered).
/// </summary>
[Trait("Category", "Fault")]
public sealed class PipedExitRouterTests
{
    private const string Main = "local:main";

    private static ChatMessage Msg(int n) =>
        new($"m{n}", Main, "local:me", "me", $"Q{n}", $"2026-01-01T00:00:0{n}.000Z", false, false, None);

    private static (RouterState, Seq<Decision>) Apply(RouterState s, params PipelineEvent[] events)
    {
        var all = Seq<Decision>();
        foreach (var e in events)
        {
            var (next, d) = Router.Update(s, e);
            s = next;
            all = all + d;
        }
        return (s, all);
    }

    [Fact]
    public void A_batch_piped_into_a_container_that_then_exits_cleanly_runs_again()
    {
        var group = new RegisteredGroup(Main, "Main", "main", "@Andy", "2026-01-01T00:00:00.000Z", None, false, true);
        var state = RouterState.Initial(RouterConfig.Create(new AssistantOptions("Andy", false), TimeZoneInfo.Utc), 5);
        (state, _) = Apply(state, new PipelineEvent.GroupsChanged(Map((Main, group))));
        var answered = new ContainerOutput(OutputStatus.Success, Some("answer 1"), None, None);
        var turnEnd = new ContainerOutput(OutputStatus.Success, None, None, None);

        (state, var first) = Apply(state, new PipelineEvent.MessageStored(Msg(1)), new PipelineEvent.ContainerOutput(Main, answered),
            new PipelineEvent.ContainerOutput(Main, turnEnd));
        Assert.Contains(new Decision.AdvanceCursor(Main, Msg(1).Timestamp), first);

        // Message 2 is piped into the idle container, which exits 0 without reading it.
        (state, var piped) = Apply(state, new PipelineEvent.MessageStored(Msg(2)));
        Assert.Contains(piped, d => d is Decision.WriteInput w && w.Text.Contains("Q2", StringComparison.Ordinal));
        (state, var exit) = Apply(state, new PipelineEvent.ContainerExited(Main, true));

        Assert.DoesNotContain(exit, d => d is Decision.AdvanceCursor a && a.Timestamp == Msg(2).Timestamp);
        var relaunch = Assert.Single(exit.OfType<Decision.LaunchContainer>());
        Assert.Contains("Q2", relaunch.Prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("Q1", relaunch.Prompt, StringComparison.Ordinal);
    }
}
