using LanguageExt;
using NanoClaw.Core.Config;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// What a container receives on stdin when the credential proxy is off: the real credentials, as NanoClaw did.
/// With the proxy on, <see cref="CredentialProxy.ContainerCredentials"/> hands out only its URL and a placeholder.
/// </summary>
public static class ContainerSecrets
{
    public static Map<string, string> Direct(Credentials credentials)
    {
        var map = Map<string, string>();
        credentials.AnthropicApiKey.IfSome(v => map = map.AddOrUpdate("ANTHROPIC_API_KEY", v));
        credentials.ClaudeCodeOauthToken.IfSome(v => map = map.AddOrUpdate("CLAUDE_CODE_OAUTH_TOKEN", v));
        credentials.AnthropicBaseUrl.IfSome(v => map = map.AddOrUpdate("ANTHROPIC_BASE_URL", v));
        credentials.AnthropicAuthToken.IfSome(v => map = map.AddOrUpdate("ANTHROPIC_AUTH_TOKEN", v));
        return map;
    }
}
