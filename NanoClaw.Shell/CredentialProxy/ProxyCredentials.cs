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
/// A Claude subscription token, used only when neither of the above is set: injected as <c>Authorization: Bearer</c>
/// (Claude Code 2.1 sends the OAuth token itself as a bearer on <c>/v1/messages</c>; there is no exchange call).
/// </param>
/// <param name="Upstream">Where requests go: <c>anthropic_base_url</c> or the public API.</param>
public sealed record ProxyCredentials(Option<string> ApiKey, Option<string> AuthToken, Option<string> OauthToken, Uri Upstream)
{
    /// <summary>The public Anthropic API.</summary>
    public static readonly Uri DefaultUpstream = new("https://api.anthropic.com");

    /// <summary>
    /// Where the run's proxy socket appears inside the container; the agent runner forwards a loopback port to it.
    /// Sent in the input's environment as <see cref="SocketVariable"/>.
    /// </summary>
    public const string ContainerSocketPath = NanoClaw.Core.Containers.MountPlanner.ApiSocketTarget;

    /// <summary>Environment entry telling the agent runner where the proxy socket is (the runner removes it).</summary>
    public const string SocketVariable = "NANOCLAW_API_SOCKET";

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
    /// The environment one run gets (on stdin): where its proxy socket is and, in the slot of each kind of secret the
    /// proxy holds, the run's token, so Claude Code sends it in the matching header and the proxy can tell the run.
    /// </summary>
    public Map<string, string> ForContainer(string runToken) => WithToken(Map((SocketVariable, ContainerSocketPath)), runToken);

    /// <summary>
    /// The environment one run gets with the TCP transport: <c>ANTHROPIC_BASE_URL</c> is the proxy's listener as the
    /// container sees it (the agent runner then starts no forwarder) and the run's token is in the credential slots.
    /// </summary>
    public Map<string, string> ForContainerOverTcp(string runToken, string baseUrl) => WithToken(Map(("ANTHROPIC_BASE_URL", baseUrl)), runToken);

    private Map<string, string> WithToken(Map<string, string> map, string runToken)
    {
        if (ApiKey.IsSome) map = map.Add("ANTHROPIC_API_KEY", runToken);
        if (AuthToken.IsSome) map = map.Add("ANTHROPIC_AUTH_TOKEN", runToken);
        if (OauthToken.IsSome) map = map.Add("CLAUDE_CODE_OAUTH_TOKEN", runToken);
        // Nothing configured: still a key slot, so Claude Code starts and the upstream answers 401 clearly.
        if (ApiKey.IsNone && AuthToken.IsNone && OauthToken.IsNone) map = map.Add("ANTHROPIC_API_KEY", runToken);
        return map;
    }

    /// <summary>Kind of credential held, for the log (never the value).</summary>
    public string Describe() =>
        ApiKey.IsSome ? "API key" : AuthToken.IsSome ? "gateway token" : OauthToken.IsSome ? "OAuth token" : "no credential";
}
