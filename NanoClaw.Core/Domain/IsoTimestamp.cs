using System.Globalization;
using LanguageExt;

namespace NanoClaw.Core.Domain;

/// <summary>The one timestamp format of the store: ISO-8601 UTC with milliseconds and <c>Z</c>, compared as strings.</summary>
public static class IsoTimestamp
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Formats an instant as <c>2026-01-31T14:32:00.000Z</c>.</summary>
    public static string From(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Parses any ISO-8601 timestamp (with or without milliseconds) into an instant.</summary>
    public static Option<DateTimeOffset> Parse(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? Prelude.Some(value)
            : Prelude.None;
}
