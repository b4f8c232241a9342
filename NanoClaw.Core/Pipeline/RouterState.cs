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
public sealed record RouterConfig(
    AssistantOptions Assistant,
    TimeZoneInfo Zone,
    TriggerMatcher Trigger,
    int MaxPendingPerChat,
    TimeSpan TaskCloseDelay,
    SenderAllowlist Allowlist)
{
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
/// <param name="Group">The group it runs for.</param>
/// <param name="Task">The task, for task runs.</param>
/// <param name="RollbackCursor">
/// The agent cursor before the oldest input the agent has not answered yet; none once output was sent for everything
/// given. A failed run rolls back to it (SPEC §5).
/// </param>
/// <param name="OutputSent">True once anything was sent to the user in this run.</param>
/// <param name="Error">The agent's error, once it reported one (the run then counts as failed).</param>
/// <param name="FirstResult">First result text (task runs report it).</param>
/// <param name="CloseScheduled">True once the delayed close of a task container was asked for.</param>
public sealed record ActiveRun(
    RegisteredGroup Group,
    Option<ScheduledTask> Task,
    Option<string> RollbackCursor,
    bool OutputSent,
    Option<string> Error,
    Option<string> FirstResult,
    bool CloseScheduled);

/// <summary>Everything the router folds over.</summary>
/// <param name="Config">Settings.</param>
/// <param name="Groups">Registered groups by chat jid (jids compare ordinally everywhere).</param>
/// <param name="AgentCursors">Agent cursor (<c>last_agent_timestamp</c>) per chat; absent means the beginning.</param>
/// <param name="Unprocessed">Messages per chat after the oldest cursor a roll-back could return to, oldest first, bounded.</param>
/// <param name="Queue">The group queue.</param>
/// <param name="Runs">Running containers by group jid.</param>
/// <param name="DueTasks">Due tasks waiting in the queue, by task id.</param>
public sealed record RouterState(
    RouterConfig Config,
    Map<OrdStringOrdinal, string, RegisteredGroup> Groups,
    Map<OrdStringOrdinal, string, string> AgentCursors,
    Map<OrdStringOrdinal, string, Seq<ChatMessage>> Unprocessed,
    QueueState Queue,
    Map<OrdStringOrdinal, string, ActiveRun> Runs,
    Map<OrdStringOrdinal, string, ScheduledTask> DueTasks)
{
    /// <summary>A router with nothing registered or running.</summary>
    /// <param name="config">Settings.</param>
    /// <param name="maxConcurrent">Container cap for the queue.</param>
    /// <param name="agentCursors">Cursors loaded from the store (startup).</param>
    public static RouterState Initial(RouterConfig config, int maxConcurrent, Map<string, string> agentCursors = default) =>
        new(config, Ordinal(Map<string, RegisteredGroup>()), Ordinal(agentCursors), Map<OrdStringOrdinal, string, Seq<ChatMessage>>(),
            QueueState.Initial(maxConcurrent), Map<OrdStringOrdinal, string, ActiveRun>(), Map<OrdStringOrdinal, string, ScheduledTask>());

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

    /// <summary>The chat's agent cursor ("" when the agent has seen nothing).</summary>
    public string CursorOf(string chatJid) => AgentCursors.Find(chatJid).IfNone("");

    /// <summary>The batch the agent of a chat would get now (SPEC §5).</summary>
    public Seq<ChatMessage> BatchOf(string chatJid) =>
        BatchRules.Select(Unprocessed.Find(chatJid).IfNone(Seq<ChatMessage>()), CursorOf(chatJid));
}
