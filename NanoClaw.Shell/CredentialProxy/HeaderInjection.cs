using System.Net.Http.Headers;

namespace NanoClaw.Shell.CredentialProxy;

/// <summary>Replaces the placeholder credentials on a forwarded request with the real ones.</summary>
public static class HeaderInjection
{
    /// <param name="outgoing">Headers of the request to the upstream (already copied from the container's request).</param>
    /// <param name="incomingHasAuthorization">Whether the container's request carried an <c>Authorization</c> header.</param>
    public static void Apply(ProxyCredentials credentials, HttpRequestHeaders outgoing, bool incomingHasAuthorization)
    {
        credentials.ApiKey.IfSome(key =>
        {
            outgoing.Remove("x-api-key");
            outgoing.TryAddWithoutValidation("x-api-key", key);
        });
        credentials.AuthToken.IfSome(token =>
        {
            outgoing.Remove("Authorization");
            outgoing.TryAddWithoutValidation("Authorization", "Bearer " + token);
        });
        credentials.OauthToken.IfSome(token =>
        {
            // Only where the container itself sent a bearer (the exchange call): later calls carry the exchanged key.
            if (!incomingHasAuthorization) return;
            outgoing.Remove("Authorization");
            outgoing.TryAddWithoutValidation("Authorization", "Bearer " + token);
        });
    }
}
