using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using NanoClaw.Core.Security;
using Serilog;

namespace NanoClaw.Shell.Security;

/// <summary>One log line for each message the sender allowlist refuses (when the file's <c>logDenied</c> is on).</summary>
public static class AllowlistDenials
{
    /// <summary>Logs a message not stored because of <c>drop</c> mode.</summary>
    public static void Dropped(ILogger log, SenderAllowlist policy, ChatMessage m)
    {
        if (policy.LogDenied)
            log.Information("Sender allowlist: dropped message {Id} from {Sender} in {Chat} (not on the list, drop mode; not stored)", m.Id, m.Sender, m.ChatJid);
    }

    /// <summary>
    /// Logs a stored message whose trigger does not count (trigger mode): the group needs a trigger, the message has
    /// one, and the sender may not trigger. The message stays as context.
    /// </summary>
    public static void CheckTrigger(ILogger log, SenderAllowlist policy, TriggerMatcher trigger, RegisteredGroup group, ChatMessage m)
    {
        if (!policy.LogDenied || group.IsMain || !group.RequiresTrigger || m.IsBotMessage) return;
        if (BatchRules.IsTriggered(m, trigger) && !policy.MayTrigger(m))
            log.Information("Sender allowlist: trigger from {Sender} in {Chat} ignored (message {Id} kept as context)", m.Sender, m.ChatJid, m.Id);
    }
}
