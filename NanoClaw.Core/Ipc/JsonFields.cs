using System.Text.Json;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Ipc;

/// <summary>Field readers for untrusted JSON objects: every failure is a reason naming the field, never an exception.</summary>
internal static class JsonFields
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = IpcLimits.MaxDepth };

    /// <summary>
    /// Parses text as a JSON object and reads it with <paramref name="read"/>. Malformed text, nesting that is too
    /// deep and strings that cannot be decoded (lone surrogate escapes) all become reasons, never exceptions.
    /// </summary>
    public static Either<string, T> ReadObject<T>(string? json, int maxChars, Func<JsonElement, Either<string, T>> read)
    {
        if (json is not null && json.Length > maxChars) return $"file is larger than {maxChars} characters";
        if (json is null || string.IsNullOrWhiteSpace(json)) return "file is empty";
        try
        {
            using var document = JsonDocument.Parse(json, Options);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? read(document.RootElement)
                : Left<string, T>("file must hold a JSON object");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            return $"invalid JSON: {FirstLine(e.Message)}";
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    /// <summary>The property, unless it is absent or JSON <c>null</c>.</summary>
    public static Option<JsonElement> Field(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? Some(value) : None;

    /// <summary>A string that must be present, non-blank and at most <paramref name="maxChars"/> long.</summary>
    public static Either<string, string> RequiredString(JsonElement obj, string name, int maxChars) =>
        Field(obj, name).Match(
            value => value.ValueKind == JsonValueKind.String && value.GetString() is { } s && !string.IsNullOrWhiteSpace(s)
                ? Limit(name, s, maxChars)
                : Left<string, string>($"'{name}' must be a non-empty string"),
            () => Left<string, string>($"'{name}' must be a non-empty string"));

    /// <summary>An optional string (may be empty); absent or <c>null</c> is none.</summary>
    public static Either<string, Option<string>> OptionalString(JsonElement obj, string name, int maxChars) =>
        Field(obj, name).Match(
            value => value.ValueKind == JsonValueKind.String && value.GetString() is { } s
                ? Limit(name, s, maxChars).Map(Some)
                : Left<string, Option<string>>($"'{name}' must be a string"),
            () => Right<string, Option<string>>(None));

    /// <summary>An optional string that, when given, must be non-blank.</summary>
    public static Either<string, Option<string>> OptionalNonEmptyString(JsonElement obj, string name, int maxChars) =>
        OptionalString(obj, name, maxChars).Bind(o => o.Match(
            s => string.IsNullOrWhiteSpace(s) ? Left<string, Option<string>>($"'{name}' must be a non-empty string") : Right<string, Option<string>>(Some(s)),
            () => Right<string, Option<string>>(None)));

    /// <summary>An optional boolean; absent or <c>null</c> gives <paramref name="fallback"/>.</summary>
    public static Either<string, bool> OptionalBool(JsonElement obj, string name, bool fallback) =>
        Field(obj, name).Match(
            value => value.ValueKind switch
            {
                JsonValueKind.True => Right<string, bool>(true),
                JsonValueKind.False => Right<string, bool>(false),
                _ => Left<string, bool>($"'{name}' must be true or false"),
            },
            () => Right<string, bool>(fallback));

    /// <summary>A string, or a number given as its JSON text (schedule values may arrive either way).</summary>
    public static Either<string, Option<string>> OptionalStringOrNumber(JsonElement obj, string name, int maxChars) =>
        Field(obj, name).Match(
            value => value.ValueKind switch
            {
                JsonValueKind.String when value.GetString() is { } s => Limit(name, s, maxChars).Map(Some),
                JsonValueKind.Number => Limit(name, value.GetRawText(), maxChars).Map(Some),
                _ => Left<string, Option<string>>($"'{name}' must be a string"),
            },
            () => Right<string, Option<string>>(None));

    private static Either<string, string> Limit(string name, string value, int maxChars) =>
        value.Length <= maxChars ? Right<string, string>(value) : Left<string, string>($"'{name}' is longer than {maxChars} characters");
}
