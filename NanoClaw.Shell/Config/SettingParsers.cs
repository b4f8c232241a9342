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

    /// <summary>A secret: any non-empty text. Errors never show the value.</summary>
    public static Either<ConfigError, Option<string>> Secret(RawSetting s) =>
        s.NonScalarKind is not null
            ? Left<ConfigError, Option<string>>(Expected(s, "a text value", showValue: false))
            : Right<ConfigError, Option<string>>(Optional(s.Text?.Trim()).Filter(t => t.Length > 0));

    /// <summary>An absolute http(s) URL, or empty for none.</summary>
    public static Either<ConfigError, Option<string>> OptionalUrl(RawSetting s)
    {
        var text = s.Text?.Trim();
        if (s.NonScalarKind is null && string.IsNullOrEmpty(text)) return Right<ConfigError, Option<string>>(None);
        return s.NonScalarKind is null && Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? Right<ConfigError, Option<string>>(Some(text!))
            : Left<ConfigError, Option<string>>(Expected(s, "an http:// or https:// URL", showValue: false));
    }
}
