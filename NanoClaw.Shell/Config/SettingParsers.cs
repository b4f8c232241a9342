using System.Globalization;

namespace NanoClaw.Shell.Config;

/// <summary>Typed readers for raw settings; every failure names the origin, the key, what was expected and what was found.</summary>
public static class SettingParsers
{
    private static ConfigError Expected(RawSetting s, string expectation, bool showValue = true) =>
        new($"{s.Origin}: {s.Key}: expected {expectation}, got {(s.NonScalarKind ?? (showValue ? Quote(s.Text) : "something else"))}");

    private static string Quote(string? text) => text is null ? "an empty value" : "\"" + text.Replace("\"", "\\\"") + "\"";

    public static Parsed<int> IntInRange(RawSetting s, int min, int max)
    {
        var expectation = max == int.MaxValue ? $"a whole number of at least {min}" : $"an integer from {min} to {max}";
        return s.NonScalarKind is null && int.TryParse(s.Text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? (v)
            : (Expected(s, expectation));
    }

    public static Parsed<long> LongInRange(RawSetting s, long min, long max) =>
        s.NonScalarKind is null && long.TryParse(s.Text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? (v)
            : (Expected(s, $"a whole number from {min} to {max}"));

    public static Parsed<bool> Bool(RawSetting s) =>
        s.NonScalarKind is null && s.Text?.Trim().ToLowerInvariant() is "true" or "false"
            ? (s.Text.Trim().Equals("true", StringComparison.OrdinalIgnoreCase))
            : (Expected(s, "true or false"));

    public static Parsed<string> NonEmptyText(RawSetting s) =>
        s.NonScalarKind is null && !string.IsNullOrWhiteSpace(s.Text) && !s.Text.Contains('\n')
            ? (s.Text.Trim())
            : (Expected(s, "a non-empty single-line text"));

    /// <summary>A path: non-empty single-line text without characters no file system accepts.</summary>
    public static Parsed<string> PathText(RawSetting s) =>
        NonEmptyText(s).Bind<string>(text => text.IndexOfAny(Path.GetInvalidPathChars()) >= 0
            ? (Expected(s, "a file system path", showValue: false))
            : (text));

    /// <summary>One of <paramref name="allowed"/> (case-insensitive); returns the allowed spelling.</summary>
    public static Parsed<string> OneOf(RawSetting s, params string[] allowed) =>
        s.NonScalarKind is null && allowed.FirstOrDefault(a => a.Equals(s.Text?.Trim(), StringComparison.OrdinalIgnoreCase)) is { } match
            ? (match)
            : (Expected(s, "one of " + string.Join(", ", allowed)));

    /// <summary>An IANA time zone id this machine knows (Windows ids are refused: schedules and prompts use IANA ids).</summary>
    public static Parsed<string> IanaTimeZone(RawSetting s)
    {
        var id = s.Text?.Trim();
        return s.NonScalarKind is null && !string.IsNullOrEmpty(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId
            ? (id)
            : (Expected(s, "an IANA time zone id such as \"Europe/Berlin\" or \"UTC\""));
    }

    /// <summary><c>container.proxy_listen</c>: an IP address, optionally with <c>:port</c>; empty for the runtime's default.</summary>
    public static Parsed<string> ListenAddress(RawSetting s)
    {
        var text = s.Text?.Trim();
        if (s.NonScalarKind is null && string.IsNullOrEmpty(text)) return ("");
        return s.NonScalarKind is null && Core.Containers.ProxyTransportPlan.TryParseListen(text!, out _, out _)
            ? (text!)
            : (Expected(s, "an IP address, optionally with :port (e.g. 10.88.0.1 or 127.0.0.1:8462)"));
    }

    /// <summary>A host name or IP literal (no scheme, no port); empty for the default.</summary>
    public static Parsed<string> HostName(RawSetting s)
    {
        var text = s.Text?.Trim();
        if (s.NonScalarKind is null && string.IsNullOrEmpty(text)) return ("");
        return s.NonScalarKind is null && Core.Containers.ProxyTransportPlan.IsHostName(text!)
            ? (text!)
            : (Expected(s, "a host name or IP address without scheme or port (e.g. host.docker.internal)"));
    }

    /// <summary>A secret: any non-empty text. Errors never show the value.</summary>
    public static Parsed<string?> Secret(RawSetting s) =>
        s.NonScalarKind is not null
            ? Expected(s, "a text value", showValue: false)
            : s.Text?.Trim() is { Length: > 0 } text ? text : (string?)null;

    /// <summary>
    /// A Telegram bot token as BotFather issues it (<c>123456:AA…</c>: the bot's numeric id, a colon, the secret), or
    /// empty for none. Errors never show the value.
    /// </summary>
    public static Parsed<string?> TelegramBotToken(RawSetting s) =>
        Secret(s).Bind(token => token is string t && !System.Text.RegularExpressions.Regex.IsMatch(t, @"^[0-9]{1,16}:[A-Za-z0-9_-]{20,}$")
            ? Expected(s, "a bot token from BotFather (digits, a colon, then letters, digits, _ or -)", showValue: false)
            : (Parsed<string?>)token);

    /// <summary>An absolute http(s) URL, or empty for none.</summary>
    public static Parsed<string?> OptionalUrl(RawSetting s)
    {
        var text = s.Text?.Trim();
        if (s.NonScalarKind is null && string.IsNullOrEmpty(text)) return (string?)null;
        return s.NonScalarKind is null && Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? text!
            : (Expected(s, "an http:// or https:// URL", showValue: false));
    }

    /// <summary>0 (none) or a whole number of at least <paramref name="min"/>.</summary>
    public static Parsed<int> ZeroOrAtLeast(RawSetting s, int min) =>
        s.NonScalarKind is null && int.TryParse(s.Text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && (v == 0 || v >= min)
            ? (v)
            : (Expected(s, $"0 (no limit) or a whole number of at least {min}"));

    /// <summary>A memory size the runtimes accept (<c>512m</c>, <c>2g</c>, plain bytes) of at least 16 MiB, or 0 for none; returned lower-case.</summary>
    public static Parsed<string> MemorySize(RawSetting s)
    {
        var text = s.Text?.Trim().ToLowerInvariant() ?? "";
        var m = System.Text.RegularExpressions.Regex.Match(text, "^([0-9]{1,12})([bkmg]?)$");
        var bytes = m.Success
            ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * m.Groups[2].Value switch { "k" => 1L << 10, "m" => 1L << 20, "g" => 1L << 30, _ => 1L }
            : -1;
        return s.NonScalarKind is null && (bytes == 0 || bytes >= 16L << 20)
            ? (bytes == 0 ? "0" : text)
            : (Expected(s, "a memory size such as 512m or 2g (at least 16m), or 0 for no limit"));
    }

    /// <summary>A CPU share: a decimal from 0.01 to 1024, or 0 for none.</summary>
    public static Parsed<string> CpuShare(RawSetting s) =>
        s.NonScalarKind is null && decimal.TryParse(s.Text?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && (v == 0 || (v >= 0.01m && v <= 1024))
            ? (v == 0 ? "0" : v.ToString(CultureInfo.InvariantCulture))
            : (Expected(s, "a number of CPUs such as 2 or 0.5, or 0 for no limit"));
}
