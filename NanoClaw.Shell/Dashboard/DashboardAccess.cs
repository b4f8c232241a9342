using Microsoft.AspNetCore.Http;

namespace NanoClaw.Shell.Dashboard;

/// <summary>
/// Who may use the dashboard: a request to our own host name (<c>127.0.0.1:port</c> or <c>localhost:port</c>, which
/// stops DNS rebinding) carrying the token in its cookie. A GET may carry it once as <c>?token=</c> instead (the link
/// <c>nanoclaw dashboard url</c> prints), which sets the cookie. A POST must also come from our own origin.
/// </summary>
public sealed class DashboardAccess(string token, Func<int> port)
{
    /// <summary>The cookie is per port: cookies do not tell ports apart, and two installations may run side by side.</summary>
    public string CookieName => "nanoclaw_dashboard_" + port();

    public string Token => token;

    /// <summary>The Host header names this dashboard.</summary>
    public bool IsOwnHost(HttpRequest request)
    {
        var host = request.Headers.Host.ToString();
        return host == $"127.0.0.1:{port()}" || host == $"localhost:{port()}";
    }

    /// <summary>The Origin header is this dashboard's (browsers send it on every POST; a missing one is refused).</summary>
    public bool IsOwnOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin == $"http://127.0.0.1:{port()}" || origin == $"http://localhost:{port()}";
    }

    public bool HasCookie(HttpRequest request) => DashboardToken.Matches(request.Cookies[CookieName], token);

    public bool HasQueryToken(HttpRequest request) =>
        request.Query.TryGetValue("token", out var offered) && offered.Count == 1 && DashboardToken.Matches(offered[0], token);

    public void SetCookie(HttpResponse response) => response.Cookies.Append(CookieName, token, new CookieOptions
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Secure = false, // plain http on loopback; the cookie never leaves 127.0.0.1
        IsEssential = true,
    });
}
