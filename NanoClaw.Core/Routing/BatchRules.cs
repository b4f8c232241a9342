using LanguageExt;
using NanoClaw.Core.Domain;

namespace NanoClaw.Core.Routing;

/// <summary>Which stored messages form an agent's batch, and whether that batch wakes the agent.</summary>
public static class BatchRules
{
    /// <summary>
    /// The batch for a chat: every message strictly after <paramref name="agentCursor"/> (ordinal string
    /// comparison of ISO timestamps, as the store does), except bot messages and messages with neither text
    /// (empty or whitespace-only content) nor attachments, ordered by timestamp then id.
    /// </summary>
    public static Seq<ChatMessage> Select(IEnumerable<ChatMessage> messages, string agentCursor)
    {
        var cursor = agentCursor ?? "";
        var picked = new List<ChatMessage>();
        foreach (var m in messages)
        {
            if (m.IsBotMessage || !m.HasSubstance) continue;
            if (string.CompareOrdinal(m.Timestamp, cursor) <= 0) continue;
            picked.Add(m);
        }
        // Messages usually arrive in order: check that in one pass before paying for a sort.
        if (picked.Count > 1 && !InOrder(picked)) picked.Sort(ByTimestampThenId);
        return picked.Count == 0 ? Seq<ChatMessage>.Empty : new Seq<ChatMessage>(picked);
    }

    private static bool InOrder(List<ChatMessage> messages)
    {
        for (var i = 1; i < messages.Count; i++)
            if (ByTimestampThenId(messages[i - 1], messages[i]) > 0) return false;
        return true;
    }

    private static readonly Comparison<ChatMessage> ByTimestampThenId = (a, b) =>
    {
        var byTime = string.CompareOrdinal(a.Timestamp, b.Timestamp);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    };

    /// <summary>
    /// True when the batch should wake the group's agent: the main group and groups registered without a
    /// trigger wake on any message; other groups only when some message carries the trigger.
    /// Untriggered messages are not lost: they stay after the cursor and ride along with the next trigger.
    /// </summary>
    public static bool ShouldWake(RegisteredGroup group, Seq<ChatMessage> batch, TriggerMatcher trigger) =>
        ShouldWake(group, batch, trigger, static _ => true);

    /// <summary>
    /// As <see cref="ShouldWake(RegisteredGroup, Seq{ChatMessage}, TriggerMatcher)"/>, but a triggering message
    /// counts only when <paramref name="mayTrigger"/> admits it (the sender allowlist in <c>trigger</c> mode).
    /// The allowlist does not apply to the main group or to groups without a trigger.
    /// </summary>
    public static bool ShouldWake(RegisteredGroup group, Seq<ChatMessage> batch, TriggerMatcher trigger, Func<ChatMessage, bool> mayTrigger)
    {
        if (batch.IsEmpty) return false;
        if (group.IsMain || !group.RequiresTrigger) return true;
        foreach (var m in batch)
            if (IsTriggered(m, trigger) && mayTrigger(m)) return true;
        return false;
    }

    /// <summary>
    /// True when one message carries the trigger: its text starts with the trigger word, or the channel marked it as
    /// addressing the assistant (<see cref="ChatMessage.AddressesAssistant"/>: a Telegram @mention of the bot or a reply
    /// to the bot).
    /// </summary>
    public static bool IsTriggered(ChatMessage message, TriggerMatcher trigger) =>
        message.AddressesAssistant || trigger.Matches(message.Content);

    /// <summary>
    /// The same answer as <c>ShouldWake(group, Select(messages, agentCursor), trigger, mayTrigger)</c> without
    /// building the batch: one pass, newest first, no sort and no allocation. The router asks this for every
    /// inbound message, and a chat can hold hundreds of untriggered messages as context.
    /// </summary>
    public static bool WouldWake(RegisteredGroup group, Seq<ChatMessage> messages, string agentCursor, TriggerMatcher trigger,
        Func<ChatMessage, bool> mayTrigger)
    {
        var cursor = agentCursor ?? "";
        var needsTrigger = !group.IsMain && group.RequiresTrigger;
        // Newest first: a triggering message is most often the one that just arrived.
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            var m = messages[i];
            if (m.IsBotMessage || !m.HasSubstance) continue;
            if (string.CompareOrdinal(m.Timestamp, cursor) <= 0) continue;
            if (!needsTrigger || (IsTriggered(m, trigger) && mayTrigger(m))) return true;
        }
        return false;
    }

    /// <summary>The newest timestamp of a batch (its last element, as <see cref="Select"/> orders it), if any.</summary>
    public static Option<string> LastTimestamp(Seq<ChatMessage> batch) => batch.LastOrNone().Map(m => m.Timestamp);
}
