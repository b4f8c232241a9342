using System.Security.Cryptography;
using System.Text;

namespace NanoClaw.Shell.CredentialProxy;

/// <summary>Why the proxy refuses a request, or <see cref="None"/> when it forwards it.</summary>
public enum ProxyRefusal
{
    /// <summary>Forwarded.</summary>
    None,
    /// <summary>No run token in <c>x-api-key</c> or <c>Authorization</c>, or another run's (401).</summary>
    NotThisRun,
    /// <summary>A path or method Claude Code does not use (403).</summary>
    PathNotAllowed,
    /// <summary>The run has ended; its socket is being closed (403).</summary>
    RunEnded,
}

/// <summary>
/// Which requests the proxy forwards. Pure: decided from the method, path and credential headers only.
/// Only the Messages API paths Claude Code 2.1 calls are forwarded (seen in the fake API's request log, with an API
/// key and with an OAuth token: <c>POST /v1/messages?beta=true</c>, <c>POST /v1/messages/count_tokens?beta=true</c>);
/// everything else — model listings, files, batches, admin, OAuth or console endpoints — is refused, so the token
/// an agent can read buys it nothing beyond what its own Claude Code does.
/// </summary>
public static class ProxyRequestRules
{
    /// <summary>Paths forwarded (the query string is not part of the match).</summary>
    public static readonly IReadOnlySet<string> AllowedPaths = new HashSet<string>(StringComparer.Ordinal)
    {
        "/v1/messages",
        "/v1/messages/count_tokens",
    };

    /// <summary>Decides one request.</summary>
    /// <param name="method">HTTP method.</param>
    /// <param name="path">Request path without the query string.</param>
    /// <param name="apiKeyHeader"><c>x-api-key</c>, if sent.</param>
    /// <param name="authorizationHeader"><c>Authorization</c>, if sent.</param>
    /// <param name="runToken">The token handed to the run whose socket the request came in on.</param>
    /// <param name="runEnded">True once the run's lease is released.</param>
    public static ProxyRefusal Decide(string method, string path, string? apiKeyHeader, string? authorizationHeader, string runToken, bool runEnded)
    {
        if (runEnded) return ProxyRefusal.RunEnded;
        var bearer = Bearer(authorizationHeader);
        if (!SameToken(apiKeyHeader, runToken) && !SameToken(bearer, runToken)) return ProxyRefusal.NotThisRun;
        if (!string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase) || !AllowedPaths.Contains(path)) return ProxyRefusal.PathNotAllowed;
        return ProxyRefusal.None;
    }

    /// <summary>The tokens a request offers: <c>x-api-key</c> and the bearer of <c>Authorization</c>, where present.</summary>
    public static IEnumerable<string> OfferedTokens(string? apiKeyHeader, string? authorizationHeader)
    {
        if (!string.IsNullOrEmpty(apiKeyHeader)) yield return apiKeyHeader;
        if (Bearer(authorizationHeader) is { Length: > 0 } bearer) yield return bearer;
    }

    private static string? Bearer(string? authorizationHeader) =>
        authorizationHeader is { } a && a.StartsWith("Bearer ", StringComparison.Ordinal) ? a["Bearer ".Length..].Trim() : null;

    /// <summary>A fresh run token: 256 random bits, URL-safe, recognisably not an Anthropic key.</summary>
    public static string NewRunToken() =>
        "nanoclaw-run-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool SameToken(string? offered, string expected) =>
        offered is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), Encoding.UTF8.GetBytes(expected));
}
