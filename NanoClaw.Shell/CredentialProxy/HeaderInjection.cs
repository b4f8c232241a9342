using System.Net.Http.Headers;

namespace NanoClaw.Shell.CredentialProxy;

/// <summary>Replaces the run token on a forwarded request with the real credentials.</summary>
public static class HeaderInjection
{
    /// <summary>
    /// Removes both credential headers the container may have sent (they carry the run token, never to go upstream),
    /// then adds the real ones: <c>x-api-key</c> for an API key, <c>Authorization: Bearer</c> for a gateway or OAuth token.
    /// </summary>
    /// <param name="outgoing">Headers of the request to the upstream (already copied from the container's request).</param>
    public static void Apply(ProxyCredentials credentials, HttpRequestHeaders outgoing)
    {
        outgoing.Remove("x-api-key");
        outgoing.Remove("Authorization");
        credentials.ApiKey.IfSome(key => outgoing.TryAddWithoutValidation("x-api-key", key));
        credentials.AuthToken.Match(
            token => outgoing.TryAddWithoutValidation("Authorization", "Bearer " + token),
            () => credentials.OauthToken.IfSome(token => outgoing.TryAddWithoutValidation("Authorization", "Bearer " + token)));
    }
}
