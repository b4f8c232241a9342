using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Pipeline;
using static LanguageExt.Prelude;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Tests.Core.Pipeline;

/// <summary>Groups, messages and a runner for driving <see cref="Router"/> in tests.</summary>
public static class PipelineFixture
{
    public const string Main = "me@s.whatsapp.net";
    public const string Team = "team@g.us";
    public const string Family = "family@g.us";
    public const string Open = "open@g.us";

    public static readonly string[] GroupJids = [Main, Team, Family, Open];

    public static RegisteredGroup Group(string jid, string folder, bool requiresTrigger = true, bool isMain = false) =>
        new(jid, folder, folder, "@Andy", "2026-01-01T00:00:00.000Z", None, requiresTrigger, isMain);

    public static Map<string, RegisteredGroup> AllGroups { get; } = toMap(new[]
    {
        (Main, Group(Main, "main", requiresTrigger: false, isMain: true)),
        (Team, Group(Team, "team")),
        (Family, Group(Family, "family")),
        (Open, Group(Open, "open", requiresTrigger: false)),
    });

    public static RouterConfig Config { get; } =
        RouterConfig.Create(new AssistantOptions("Andy", HasOwnNumber: false), TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));

    public static RouterState Initial(int maxConcurrent = 3) =>
        Router.Update(RouterState.Initial(Config, maxConcurrent), new PipelineEvent.GroupsChanged(AllGroups)).State;

    /// <summary>A message at <c>2026-01-31T14:00:00Z</c> plus <paramref name="second"/> seconds.</summary>
    public static ChatMessage Message(string chat, int second, string content, string sender = "Alice") =>
        new($"m{second}", chat, sender + "@s.whatsapp.net", sender, content,
            IsoTimestamp.From(new DateTimeOffset(2026, 1, 31, 14, 0, 0, TimeSpan.Zero).AddSeconds(second)),
            false, false, None);

    public static PipelineEvent Stored(string chat, int second, string content, string sender = "Alice") =>
        new PipelineEvent.MessageStored(Message(chat, second, content, sender));

    public static PipelineEvent Result(string group, string text) =>
        new PipelineEvent.ContainerOutput(group, new ContainerOutput(OutputStatus.Success, Some(text), None, None));

    public static PipelineEvent TurnEnded(string group) =>
        new PipelineEvent.ContainerOutput(group, new ContainerOutput(OutputStatus.Success, None, None, None));

    public static PipelineEvent AgentError(string group, string error) =>
        new PipelineEvent.ContainerOutput(group, new ContainerOutput(OutputStatus.Error, None, None, Some(error)));

    public static PipelineEvent Exited(string group, bool success = true) => new PipelineEvent.ContainerExited(group, success);

    public static ScheduledTask Task(string id, string folder, string chat, string prompt = "daily summary") =>
        new(id, folder, chat, prompt, ScheduleType.Interval, "60000", ContextMode.Group, None,
            Some("2026-01-31T14:00:00.000Z"), None, None, TaskStatus.Active, "2026-01-01T00:00:00.000Z");

    /// <summary>Applies events in order; returns the final state and every decision.</summary>
    public static (RouterState State, List<Decision> Decisions) Run(RouterState state, params PipelineEvent[] events)
    {
        var decisions = new List<Decision>();
        foreach (var e in events)
        {
            var (next, emitted) = Router.Update(state, e);
            decisions.AddRange(emitted);
            state = next;
        }
        return (state, decisions);
    }

    /// <summary>Only the decisions of the last event, after running the setup events.</summary>
    public static List<Decision> Then(RouterState state, PipelineEvent[] setup, params PipelineEvent[] events) =>
        Run(Run(state, setup).State, events).Decisions;
}
