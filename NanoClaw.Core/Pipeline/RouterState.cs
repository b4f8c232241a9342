using LanguageExt;
using LanguageExt.ClassInstances;
using NanoClaw.Core.Config;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Queue;
using NanoClaw.Core.Routing;
using NanoClaw.Core.Security;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Pipeline;

/// <summary>The settings the router needs.</summary>
/// <param name="Assistant">Assistant name and number mode (trigger, outbound prefix).</param>
/// <param name="Zone">Time zone for prompt timestamps.</param>
/// <param name="Trigger">The trigger matcher for the assistant's name.</param>
/// <param name="MaxPendingPerChat">Most unprocessed messages kept per chat (oldest dropped first).</param>
/// <param name="TaskCloseDelay">How long after a task's first result its container is closed (SPEC §9: 10 s).</param>
/// <param name="Allowlist">Who may trigger the agent per chat (SPEC §5); <c>drop</c> mode is applied by the shell before storing.</param>
/// <remarks><paramref name="Trigger"/> is the fallback for groups registered without a trigger of their own (SPEC §5).</remarks>
public sealed record RouterConfig(
    AssistantOptions Assistant,
    TimeZoneInfo Zone,
    TriggerMatcher Trigger,
    int MaxPendingPerChat,
    TimeSpan TaskCloseDelay,
    SenderAllowlist Allowlist)
{
    /// <summary>How long an agent may wait for input after its turn before the core closes it (<c>timing.idle_timeout_ms</c>, 30 min).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Builds the configuration with the default bounds (500 pending messages per chat, tasks closed after 10 s).</summary>
    /// <param name="assistant">Assistant name and number mode.</param>
    /// <param name="zone">Time zone for prompts.</param>
    /// <param name="allowlist">Sender allowlist; everyone may trigger when none is given.</param>
    /// <param name="maxPendingPerChat">Bound on remembered unprocessed messages per chat.</param>
    public static RouterConfig Create(AssistantOptions assistant, TimeZoneInfo zone, SenderAllowlist? allowlist = null, int maxPendingPerChat = 500) =>
        new(assistant, zone, new TriggerMatcher(assistant.Name), Math.Max(1, maxPendingPerChat), TimeSpan.FromSeconds(10),
            allowlist ?? SenderAllowlist.AllowEveryone);
}

/// <summary>What the router remembers about a running container.</summary>
/// <param name="Id">The run's id, assigned by the core when it decided to launch it; timers carry it.</param>
/// <param name="Group">The group it runs for.</param>
/// <param name="Task">The task, for task runs.</param>
/// <param name="RollbackCursor">
/// The agent cursor before the oldest input the agent has not answered yet; none once output was sent for everything
/// given. A failed run rolls back to it (SPEC §5).
/// </param>
/// <param name="OutputSent">True once anything was sent to the user in this run.</param>
/// <param name="Error">The agent's error, once it reported one (the run then counts as failed).</param>
/// <param name="FirstResult">First result text (task runs report it).</param>
/// <param name="TaskCloseArmed">True once the delayed close of a task container was armed.</param>
/// <param name="Turn">How many turns the agent has ended; an idle timer is valid only for the turn that armed it.</param>
/// <param name="IdleArmed">True while an idle timer for the current turn is armed.</param>
public sealed record ActiveRun(
    long Id,
    RegisteredGroup Group,
    Option<ScheduledTask> Task,
    Option<string> RollbackCursor,
    bool OutputSent,
    Option<string> Error,
    Option<string> FirstResult,
    bool TaskCloseArmed,
    int Turn,
    bool IdleArmed)
{
    /// <summary>A run just launched: nothing answered, no timers.</summary>
    /// <param name="id">The run id.</param>
    /// <param name="group">The group.</param>
    /// <param name="task">The task, for task runs.</param>
    /// <param name="rollbackCursor">The agent cursor before its first batch (message runs).</param>
    public static ActiveRun Launched(long id, RegisteredGroup group, Option<ScheduledTask> task, Option<string> rollbackCursor) =>
        new(id, group, task, rollbackCursor, false, None, None, false, 0, false);
}

/// <summary>Everything the router folds over.</summary>
/// <param name="Config">Settings.</param>
/// <param name="Groups">Registered groups by chat jid (jids compare ordinally everywhere).</param>
/// <param name="AgentCursors">Agent cursor (<c>last_agent_timestamp</c>) per chat; absent means the beginning.</param>
/// <param name="Unprocessed">Messages per chat after the oldest cursor a roll-back could return to, oldest first, bounded.</param>
/// <param name="Queue">The group queue.</param>
/// <param name="Runs">Running containers by group jid.</param>
/// <param name="DueTasks">Due tasks waiting in the queue, by task id.</param>
/// <param name="Triggers">Each registered group's trigger matcher (its own <c>trigger_pattern</c>, else the assistant's).</param>
/// <param name="NextRunId">The id the next launched run gets (ids are never reused).</param>
public sealed record RouterState(
    RouterConfig Config,
    Map<OrdStringOrdinal, string, RegisteredGroup> Groups,
    Map<OrdStringOrdinal, string, string> AgentCursors,
    Map<OrdStringOrdinal, string, Seq<ChatMessage>> Unprocessed,
    QueueState Queue,
    Map<OrdStringOrdinal, string, ActiveRun> Runs,
    Map<OrdStringOrdinal, string, ScheduledTask> DueTasks,
    Map<OrdStringOrdinal, string, TriggerMatcher> Triggers,
    long NextRunId)
{
    /// <summary>A router with nothing registered or running.</summary>
    /// <param name="config">Settings.</param>
    /// <param name="maxConcurrent">Container cap for the queue.</param>
    /// <param name="agentCursors">Cursors loaded from the store (startup).</param>
    public static RouterState Initial(RouterConfig config, int maxConcurrent, Map<string, string> agentCursors = default) =>
        new(config, Ordinal(Map<string, RegisteredGroup>()), Ordinal(agentCursors), Map<OrdStringOrdinal, string, Seq<ChatMessage>>(),
            QueueState.Initial(maxConcurrent), Map<OrdStringOrdinal, string, ActiveRun>(), Map<OrdStringOrdinal, string, ScheduledTask>(),
            Map<OrdStringOrdinal, string, TriggerMatcher>(), 1);

    /// <summary>
    /// Re-keys a map by ordinal string comparison. Jids are identifiers: the default (culture-aware) string order can
    /// treat distinct jids as equal and is much slower on the hot path.
    /// </summary>
    public static Map<OrdStringOrdinal, string, V> Ordinal<V>(Map<string, V> map) =>
        toMap<OrdStringOrdinal, string, V>(map.AsEnumerable());

    /// <summary>
    /// The state with a new sender allowlist. Messages already waiting are judged by it when the next message of
    /// their chat arrives; nothing already queued is withdrawn.
    /// </summary>
    public RouterState WithAllowlist(SenderAllowlist allowlist) => this with { Config = Config with { Allowlist = allowlist } };

    /// <summary>The trigger that wakes the group of <paramref name="chatJid"/>: its own, or the assistant's <c>@Name</c>.</summary>
    public TriggerMatcher TriggerOf(string chatJid) => Triggers.Find(chatJid).IfNone(Config.Trigger);

    /// <summary>
    /// The state with a new set of registered groups and their triggers. A matcher is built once per distinct trigger
    /// text (it compiles a regex) and kept across changes; a group without a trigger of its own gets the assistant's.
    /// </summary>
    public RouterState WithGroups(Map<string, RegisteredGroup> groups)
    {
        var triggers = Map<OrdStringOrdinal, string, TriggerMatcher>();
        foreach (var (jid, group) in groups)
        {
            var own = TriggerMatcher.Normalise(group.Trigger);
            if (own.Length == 0 || string.Equals(own, Config.Trigger.Pattern, StringComparison.OrdinalIgnoreCase)) continue;
            var matcher = Triggers.Values.FirstOrDefault(t => string.Equals(t.Pattern, own, StringComparison.OrdinalIgnoreCase))
                ?? TriggerMatcher.ForPattern(own);
            triggers = triggers.AddOrUpdate(jid, matcher);
        }
        return this with { Groups = Ordinal(groups), Triggers = triggers };
    }

    /// <summary>The chat's agent cursor ("" when the agent has seen nothing).</summary>
    public string CursorOf(string chatJid) => AgentCursors.Find(chatJid).IfNone("");

    /// <summary>The batch the agent of a chat would get now (SPEC §5).</summary>
    public Seq<ChatMessage> BatchOf(string chatJid) =>
        BatchRules.Select(Unprocessed.Find(chatJid).IfNone(Seq<ChatMessage>()), CursorOf(chatJid));
}
