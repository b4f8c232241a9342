using NanoClaw.Core.Config;

namespace NanoClaw.Core.Routing;

/// <summary>Recognises messages the assistant itself wrote, so they never wake an agent or enter a batch.</summary>
public static class BotMessageRules
{
    /// <summary>
    /// With its own number, the assistant's messages are exactly those sent from the linked account.
    /// Sharing the user's number, they are the ones that start with <c>Name:</c> (the outbound prefix).
    /// </summary>
    public static bool IsBotMessage(string content, bool isFromMe, AssistantOptions assistant) =>
        assistant.HasOwnNumber
            ? isFromMe
            : content is not null
              && content.Length > assistant.Name.Length
              && content[assistant.Name.Length] == ':'
              && content.StartsWith(assistant.Name, StringComparison.Ordinal);
}
