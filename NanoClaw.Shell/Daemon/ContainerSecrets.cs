using LanguageExt;
using NanoClaw.Core.Config;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// What a container receives on stdin to reach Claude: the real credentials, or (with the credential proxy)
/// only the proxy's URL and a placeholder key so no secret ever enters a container.
/// </summary>
public static class ContainerSecrets
{
    /// <summary>The placeholder key containers see when the proxy holds the real one.</summary>
    public const string Placeholder = "nanoclaw-proxy-placeholder";

    public static Map<string, string> Direct(Credentials credentials)
    {
        var map = Map<string, string>();
        credentials.AnthropicApiKey.IfSome(v => map = map.AddOrUpdate("ANTHROPIC_API_KEY", v));
        credentials.ClaudeCodeOauthToken.IfSome(v => map = map.AddOrUpdate("CLAUDE_CODE_OAUTH_TOKEN", v));
        credentials.AnthropicBaseUrl.IfSome(v => map = map.AddOrUpdate("ANTHROPIC_BASE_URL", v));
        credentials.AnthropicAuthToken.IfSome(v => map = map.AddOrUpdate("ANTHROPIC_AUTH_TOKEN", v));
        return map;
    }

    public static Map<string, string> ViaProxy(string proxyUrl, Credentials credentials) =>
        credentials.ClaudeCodeOauthToken.IsSome && credentials.AnthropicApiKey.IsNone
            ? Map(("ANTHROPIC_BASE_URL", proxyUrl), ("CLAUDE_CODE_OAUTH_TOKEN", Placeholder))
            : Map(("ANTHROPIC_BASE_URL", proxyUrl), ("ANTHROPIC_API_KEY", Placeholder));
}
