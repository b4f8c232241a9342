using System.Text.Json.Nodes;

namespace NanoClaw.AgentRunner.Hooks;

/// <summary>
/// PreToolUse hook for Bash: prefixes every command with an unset of the credential variables, so nothing the
/// agent runs in a shell (or a prompt injection makes it run) can read them. Claude Code itself keeps them.
/// </summary>
internal static class BashCredentialGuard
{
    public static readonly IReadOnlyList<string> CredentialVariables =
    [
        "ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL_TOKEN", "CLAUDE_CODE_API_KEY", "AWS_BEARER_TOKEN_BEDROCK",
    ];

    public static string Prefix => "unset " + string.Join(' ', CredentialVariables) + " 2>/dev/null; ";

    /// <summary>The hook output: the original tool input with the command rewritten (other fields kept).</summary>
    public static JsonObject Answer(JsonObject hookInput)
    {
        if (hookInput["tool_input"] is not JsonObject toolInput || (string?)toolInput["command"] is not { } command)
            return new JsonObject();
        var updated = (JsonObject)toolInput.DeepClone();
        updated["command"] = Guard(command);
        return new JsonObject
        {
            ["hookSpecificOutput"] = new JsonObject
            {
                ["hookEventName"] = "PreToolUse",
                ["updatedInput"] = updated,
            },
        };
    }

    public static string Guard(string command) => Prefix + command;
}
