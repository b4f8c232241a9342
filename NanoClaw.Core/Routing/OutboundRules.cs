using LanguageExt;
using NanoClaw.Core.Config;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Routing;

/// <summary>What happens to agent text on its way to a chat.</summary>
public static class OutboundRules
{
    private const string Open = "<internal>";
    private const string Close = "</internal>";

    /// <summary>
    /// Removes every <c>&lt;internal&gt;…&lt;/internal&gt;</c> block (tags matched case-insensitively, blocks may span
    /// lines and nest) and trims the rest. An unclosed <c>&lt;internal&gt;</c> hides everything after it, and a stray
    /// <c>&lt;/internal&gt;</c> is dropped: private reasoning must never leak because the model forgot a tag.
    /// </summary>
    /// <returns>The text to send, or none when nothing visible remains.</returns>
    public static Option<string> StripInternal(string? agentText)
    {
        if (agentText is null) return None;
        var text = agentText;
        // Removing a block can join "<inter" and "nal>" into a new tag, so repeat until no tag is left.
        // Each pass removes at least one tag, so this terminates.
        while (text.Contains('<') && (text.Contains(Open, StringComparison.OrdinalIgnoreCase) || text.Contains(Close, StringComparison.OrdinalIgnoreCase)))
            text = RemoveBlocks(text);
        var trimmed = text.Trim();
        return trimmed.Length == 0 ? None : Some(trimmed);
    }

    private static string RemoveBlocks(string text)
    {
        var result = new System.Text.StringBuilder(text.Length);
        var depth = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '<')
            {
                if (string.Compare(text, i, Open, 0, Open.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    depth++;
                    i += Open.Length;
                    continue;
                }
                if (string.Compare(text, i, Close, 0, Close.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    if (depth > 0) depth--;
                    i += Close.Length;
                    continue;
                }
            }
            if (depth == 0) result.Append(text[i]);
            i++;
        }
        return result.ToString();
    }

    /// <summary>
    /// Prefixes <c>Name: </c> when the assistant shares the user's number, so people (and
    /// <see cref="BotMessageRules"/>) can tell its messages apart; with its own number the text is unchanged.
    /// </summary>
    public static string Prefix(string text, AssistantOptions assistant) =>
        assistant.HasOwnNumber ? text : assistant.Name + ": " + text;

    /// <summary>The full outbound path: strip internal blocks, then prefix; none when nothing is left to send.</summary>
    public static Option<string> Prepare(string? agentText, AssistantOptions assistant) =>
        StripInternal(agentText).Map(t => Prefix(t, assistant));
}
