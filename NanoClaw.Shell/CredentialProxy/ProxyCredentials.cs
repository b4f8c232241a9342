using LanguageExt;
using NanoClaw.Core.Config;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.CredentialProxy;

/// <summary>
/// What the credential proxy injects, decided once from <c>credentials.yml</c>, and what containers get instead.
/// </summary>
/// <param name="ApiKey">Injected as <c>x-api-key</c> on every request.</param>
/// <param name="AuthToken">A gateway's bearer token, injected as <c>Authorization</c> on every request.</param>
/// <param name="OauthToken">
/// A Claude subscription token, used only when neither of the above is set: it replaces the <c>Authorization</c>
/// header of the requests that carry one (the token exchange and auth probes); the short-lived key the exchange
/// returns travels as <c>x-api-key</c> and passes unchanged, as in NanoClaw.
/// </param>
/// <param name="Upstream">Where requests go: <c>anthropic_base_url</c> or the public API.</param>
public sealed record ProxyCredentials(Option<string> ApiKey, Option<string> AuthToken, Option<string> OauthToken, Uri Upstream)
{
    /// <summary>The placeholder containers see where a secret would be.</summary>
    public const string Placeholder = "nanoclaw-proxy-placeholder";

    /// <summary>The public Anthropic API.</summary>
    public static readonly Uri DefaultUpstream = new("https://api.anthropic.com");

    /// <summary>Reads the credentials; an unusable <c>anthropic_base_url</c> is a reason.</summary>
    public static Either<string, ProxyCredentials> From(Credentials credentials)
    {
        var upstream = credentials.AnthropicBaseUrl.Filter(u => u.Length > 0).Match(
            url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? Right<string, Uri>(uri)
                : Left<string, Uri>("anthropic_base_url must be an absolute http(s) URL"),
            () => Right<string, Uri>(DefaultUpstream));
        var nonEmpty = (Option<string> o) => o.Filter(v => v.Length > 0);
        var apiKey = nonEmpty(credentials.AnthropicApiKey);
        var authToken = nonEmpty(credentials.AnthropicAuthToken);
        var oauth = apiKey.IsNone && authToken.IsNone ? nonEmpty(credentials.ClaudeCodeOauthToken) : None;
        return upstream.Map(u => new ProxyCredentials(apiKey, authToken, oauth, u));
    }

    /// <summary>
    /// The environment a container gets (on stdin, like the real credentials would be): the proxy URL and, for each
    /// kind of secret the proxy holds, a placeholder so Claude Code sends the matching header.
    /// </summary>
    public Map<string, string> ForContainer(string proxyUrl)
    {
        var map = Map(("ANTHROPIC_BASE_URL", proxyUrl));
        if (ApiKey.IsSome) map = map.Add("ANTHROPIC_API_KEY", Placeholder);
        if (AuthToken.IsSome) map = map.Add("ANTHROPIC_AUTH_TOKEN", Placeholder);
        if (OauthToken.IsSome) map = map.Add("CLAUDE_CODE_OAUTH_TOKEN", Placeholder);
        // Nothing configured: still a placeholder key, so Claude Code starts and the upstream answers 401 clearly.
        if (ApiKey.IsNone && AuthToken.IsNone && OauthToken.IsNone) map = map.Add("ANTHROPIC_API_KEY", Placeholder);
        return map;
    }

    /// <summary>Kind of credential held, for the log (never the value).</summary>
    public string Describe() =>
        ApiKey.IsSome ? "API key" : AuthToken.IsSome ? "gateway token" : OauthToken.IsSome ? "OAuth token" : "no credential";
}
