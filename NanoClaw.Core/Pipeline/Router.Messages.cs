using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Queue;
using NanoClaw.Core.Routing;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Pipeline;

/// <summary>Inbound messages: remembering them, and whether they wake the group's agent.</summary>
public static partial class Router
{
    private static (RouterState, Seq<Decision>) OnMessage(RouterState state, ChatMessage message)
    {
        var (next, added) = Remember(state, message);
        return added ? Wake(next, message.ChatJid, None_) : (next, None_);
    }

    /// <summary>Several messages at once: all are remembered first, then each chat is judged once, so it gets one batch.</summary>
    private static (RouterState, Seq<Decision>) OnMessages(RouterState state, Seq<ChatMessage> messages)
    {
        var chats = new List<string>();
        foreach (var m in messages.OrderBy(m => m.Timestamp, StringComparer.Ordinal).ThenBy(m => m.Id, StringComparer.Ordinal))
        {
            (state, var added) = Remember(state, m);
            if (added && !chats.Contains(m.ChatJid, StringComparer.Ordinal)) chats.Add(m.ChatJid);
        }
        var decisions = None_;
        foreach (var chat in chats) (state, decisions) = Wake(state, chat, decisions);
        return (state, decisions);
    }

    /// <summary>Keeps a message of a registered chat that the agent has not been given yet; repeats are ignored.</summary>
    private static (RouterState, bool Added) Remember(RouterState state, ChatMessage message)
    {
        var chat = message.ChatJid;
        if (!state.Groups.ContainsKey(chat)) return (state, false);
        if (string.CompareOrdinal(message.Timestamp, state.CursorOf(chat)) <= 0) return (state, false);
        if (message.IsBotMessage && !state.AgentCursors.ContainsKey(chat) && !state.Runs.ContainsKey(chat))
            // No cursor for this chat (reset, or never stored): the assistant's own reply marks what was answered, as
            // NanoClaw recovers it; the conversation before it is not handed to the agent again.
            return (Prune(WithCursor(state, chat, message.Timestamp), chat), false);

        var pending = state.Unprocessed.Find(chat).IfNone(Seq<ChatMessage>());
        // The safety poll may report a message twice.
        if (ContainsId(pending, message.Id)) return (state, false);
        pending = pending.Add(message);
        if (pending.Count > state.Config.MaxPendingPerChat) pending = pending.Skip(pending.Count - state.Config.MaxPendingPerChat);
        return (state with { Unprocessed = state.Unprocessed.AddOrUpdate(chat, pending) }, true);
    }

    /// <summary>Untriggered messages just wait in Unprocessed; they ride along with the next batch that wakes the agent.</summary>
    private static (RouterState, Seq<Decision>) Wake(RouterState state, string chat, Seq<Decision> decisions) =>
        state.Groups.Find(chat).Case is RegisteredGroup group
        && BatchRules.WouldWake(group, state.Unprocessed.Find(chat).IfNone(Seq<ChatMessage>()), state.CursorOf(chat), state.TriggerOf(chat),
            state.Config.Allowlist.MayTrigger)
            ? ToQueue(state, new QueueEvent.MessagesArrived(chat), decisions)
            : (state, decisions);

    private static bool ContainsId(Seq<ChatMessage> messages, string id)
    {
        foreach (var m in messages)
            if (m.Id == id) return true;
        return false;
    }

    private static RouterState WithCursor(RouterState state, string chat, string cursor) =>
        state with { AgentCursors = state.AgentCursors.AddOrUpdate(chat, cursor) };

    /// <summary>Forgets messages no batch or roll-back can need any more.</summary>
    private static RouterState Prune(RouterState state, string chat)
    {
        if (state.Unprocessed.Find(chat).Case is not Seq<ChatMessage> pending) return state;
        var floor = state.Runs.Find(chat).Bind(r => r.RollbackCursor).IfNone(state.CursorOf(chat));
        var kept = pending.Filter(m => string.CompareOrdinal(m.Timestamp, floor) > 0);
        return state with { Unprocessed = kept.IsEmpty ? state.Unprocessed.Remove(chat) : state.Unprocessed.AddOrUpdate(chat, kept) };
    }
}
