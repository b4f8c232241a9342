using LanguageExt;
using NanoClaw.Core.Config;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// What a container receives on stdin when the credential proxy is off: the real credentials, as NanoClaw did.
/// Only with <c>container.credential_proxy: false</c>, a loud opt-out; with the proxy (the default)
/// <see cref="CredentialProxy.ContainerCredentials"/> hands each run a socket and a run token instead.
/// </summary>
public static class ContainerSecrets
{
    /// <summary>The real credentials as environment entries (opt-out only).</summary>
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
