using System.Globalization;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Config;

/// <summary>Typed readers for raw settings; every failure names the origin, the key, what was expected and what was found.</summary>
public static class SettingParsers
{
    private static ConfigError Expected(RawSetting s, string expectation, bool showValue = true) =>
        new($"{s.Origin}: {s.Key}: expected {expectation}, got {(s.NonScalarKind ?? (showValue ? Quote(s.Text) : "something else"))}");

    private static string Quote(string? text) => text is null ? "an empty value" : "\"" + text.Replace("\"", "\\\"") + "\"";

    public static Either<ConfigError, int> IntInRange(RawSetting s, int min, int max)
    {
        var expectation = max == int.MaxValue ? $"a whole number of at least {min}" : $"an integer from {min} to {max}";
        return s.NonScalarKind is null && int.TryParse(s.Text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? Right<ConfigError, int>(v)
            : Left<ConfigError, int>(Expected(s, expectation));
    }

    public static Either<ConfigError, long> LongInRange(RawSetting s, long min, long max) =>
        s.NonScalarKind is null && long.TryParse(s.Text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? Right<ConfigError, long>(v)
            : Left<ConfigError, long>(Expected(s, $"a whole number from {min} to {max}"));

    public static Either<ConfigError, bool> Bool(RawSetting s) =>
        s.NonScalarKind is null && s.Text?.Trim().ToLowerInvariant() is "true" or "false"
            ? Right<ConfigError, bool>(s.Text.Trim().Equals("true", StringComparison.OrdinalIgnoreCase))
            : Left<ConfigError, bool>(Expected(s, "true or false"));

    public static Either<ConfigError, string> NonEmptyText(RawSetting s) =>
        s.NonScalarKind is null && !string.IsNullOrWhiteSpace(s.Text) && !s.Text.Contains('\n')
            ? Right<ConfigError, string>(s.Text.Trim())
            : Left<ConfigError, string>(Expected(s, "a non-empty single-line text"));

    /// <summary>A path: non-empty single-line text without characters no file system accepts.</summary>
    public static Either<ConfigError, string> PathText(RawSetting s) =>
        NonEmptyText(s).Bind(text => text.IndexOfAny(Path.GetInvalidPathChars()) >= 0
            ? Left<ConfigError, string>(Expected(s, "a file system path", showValue: false))
            : Right<ConfigError, string>(text));

    /// <summary>One of <paramref name="allowed"/> (case-insensitive); returns the allowed spelling.</summary>
    public static Either<ConfigError, string> OneOf(RawSetting s, params string[] allowed) =>
        s.NonScalarKind is null && allowed.FirstOrDefault(a => a.Equals(s.Text?.Trim(), StringComparison.OrdinalIgnoreCase)) is { } match
            ? Right<ConfigError, string>(match)
            : Left<ConfigError, string>(Expected(s, "one of " + string.Join(", ", allowed)));

    /// <summary>An IANA time zone id this machine knows (Windows ids are refused: schedules and prompts use IANA ids).</summary>
    public static Either<ConfigError, string> IanaTimeZone(RawSetting s)
    {
        var id = s.Text?.Trim();
        return s.NonScalarKind is null && !string.IsNullOrEmpty(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId
            ? Right<ConfigError, string>(id)
            : Left<ConfigError, string>(Expected(s, "an IANA time zone id such as \"Europe/Berlin\" or \"UTC\""));
    }

    /// <summary><c>container.proxy_listen</c>: an IP address, optionally with <c>:port</c>; empty for the runtime's default.</summary>
    public static Either<ConfigError, string> ListenAddress(RawSetting s)
    {
        var text = s.Text?.Trim();
        if (s.NonScalarKind is null && string.IsNullOrEmpty(text)) return Right<ConfigError, string>("");
        return s.NonScalarKind is null && Core.Containers.ProxyTransportPlan.TryParseListen(text!, out _, out _)
            ? Right<ConfigError, string>(text!)
            : Left<ConfigError, string>(Expected(s, "an IP address, optionally with :port (e.g. 10.88.0.1 or 127.0.0.1:8462)"));
    }

    /// <summary>A host name or IP literal (no scheme, no port); empty for the default.</summary>
    public static Either<ConfigError, string> HostName(RawSetting s)
    {
        var text = s.Text?.Trim();
        if (s.NonScalarKind is null && string.IsNullOrEmpty(text)) return Right<ConfigError, string>("");
        return s.NonScalarKind is null && Core.Containers.ProxyTransportPlan.IsHostName(text!)
            ? Right<ConfigError, string>(text!)
            : Left<ConfigError, string>(Expected(s, "a host name or IP address without scheme or port (e.g. host.docker.internal)"));
    }

    /// <summary>A secret: any non-empty text. Errors never show the value.</summary>
    public static Either<ConfigError, Option<string>> Secret(RawSetting s) =>
        s.NonScalarKind is not null
            ? Left<ConfigError, Option<string>>(Expected(s, "a text value", showValue: false))
            : Right<ConfigError, Option<string>>(Optional(s.Text?.Trim()).Filter(t => t.Length > 0));

    /// <summary>
    /// A Telegram bot token as BotFather issues it (<c>123456:AA…</c>: the bot's numeric id, a colon, the secret), or
    /// empty for none. Errors never show the value.
    /// </summary>
    public static Either<ConfigError, Option<string>> TelegramBotToken(RawSetting s) =>
        Secret(s).Bind(token => token.Case is string t && !System.Text.RegularExpressions.Regex.IsMatch(t, @"^[0-9]{1,16}:[A-Za-z0-9_-]{20,}$")
            ? Left<ConfigError, Option<string>>(Expected(s, "a bot token from BotFather (digits, a colon, then letters, digits, _ or -)", showValue: false))
            : Right<ConfigError, Option<string>>(token));

    /// <summary>An absolute http(s) URL, or empty for none.</summary>
    public static Either<ConfigError, Option<string>> OptionalUrl(RawSetting s)
    {
        var text = s.Text?.Trim();
        if (s.NonScalarKind is null && string.IsNullOrEmpty(text)) return Right<ConfigError, Option<string>>(None);
        return s.NonScalarKind is null && Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? Right<ConfigError, Option<string>>(Some(text!))
            : Left<ConfigError, Option<string>>(Expected(s, "an http:// or https:// URL", showValue: false));
    }

    /// <summary>0 (none) or a whole number of at least <paramref name="min"/>.</summary>
    public static Either<ConfigError, int> ZeroOrAtLeast(RawSetting s, int min) =>
        s.NonScalarKind is null && int.TryParse(s.Text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && (v == 0 || v >= min)
            ? Right<ConfigError, int>(v)
            : Left<ConfigError, int>(Expected(s, $"0 (no limit) or a whole number of at least {min}"));

    /// <summary>A memory size the runtimes accept (<c>512m</c>, <c>2g</c>, plain bytes) of at least 16 MiB, or 0 for none; returned lower-case.</summary>
    public static Either<ConfigError, string> MemorySize(RawSetting s)
    {
        var text = s.Text?.Trim().ToLowerInvariant() ?? "";
        var m = System.Text.RegularExpressions.Regex.Match(text, "^([0-9]{1,12})([bkmg]?)$");
        var bytes = m.Success
            ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * m.Groups[2].Value switch { "k" => 1L << 10, "m" => 1L << 20, "g" => 1L << 30, _ => 1L }
            : -1;
        return s.NonScalarKind is null && (bytes == 0 || bytes >= 16L << 20)
            ? Right<ConfigError, string>(bytes == 0 ? "0" : text)
            : Left<ConfigError, string>(Expected(s, "a memory size such as 512m or 2g (at least 16m), or 0 for no limit"));
    }

    /// <summary>A CPU share: a decimal from 0.01 to 1024, or 0 for none.</summary>
    public static Either<ConfigError, string> CpuShare(RawSetting s) =>
        s.NonScalarKind is null && decimal.TryParse(s.Text?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && (v == 0 || (v >= 0.01m && v <= 1024))
            ? Right<ConfigError, string>(v == 0 ? "0" : v.ToString(CultureInfo.InvariantCulture))
            : Left<ConfigError, string>(Expected(s, "a number of CPUs such as 2 or 0.5, or 0 for no limit"));
}
