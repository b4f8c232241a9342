using LanguageExt;
using NanoClaw.Core.Domain;

namespace NanoClaw.Core.Status;

/// <summary>One registered group as the dashboard lists it.</summary>
/// <param name="Folder">The group's folder.</param>
/// <param name="Name">Its display name (from the chat: hostile text).</param>
/// <param name="Jid">Its chat jid.</param>
/// <param name="State">
/// <c>busy</c> (its container works on a turn), <c>idle</c> (its container waits for input), <c>closing</c>,
/// <c>waiting</c> (for a container slot), <c>retrying</c> (a retry timer is set) or <c>asleep</c> (no container).
/// </param>
/// <param name="Container">The running container's name, when it has one.</param>
/// <param name="LastError">The last failed run's error, when there was one.</param>
public sealed record GroupState(string Folder, string Name, string Jid, string State, Option<string> Container, Option<string> LastError);

/// <summary>Each registered group's state from the status view (pure): the same facts as <c>nanoclaw status</c>.</summary>
public static class GroupStates
{
    /// <summary>The states, by folder.</summary>
    public static Seq<GroupState> From(Seq<RegisteredGroup> groups, DaemonStatus status) =>
        groups.OrderBy(g => g.Folder, StringComparer.Ordinal).Select(g =>
        {
            var running = status.Running.Find(r => r.GroupJid == g.Jid);
            var state = running.Case is RunningStatus r
                ? r.Closing ? "closing" : r.Busy ? "busy" : "idle"
                : status.Waiting.Exists(w => w.Group == g.Folder) ? "waiting"
                : status.Retries.Exists(x => x.Group == g.Folder) ? "retrying"
                : "asleep";
            return new GroupState(g.Folder, g.Name, g.Jid, state, running.Bind(x => x.Container),
                status.LastErrors.Find(e => e.Group == g.Folder).Map(e => e.Error));
        }).ToSeq().Strict();
}
