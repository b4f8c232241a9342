using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace NanoClaw.Tests.Support.FakeTelegram;

/// <summary>
/// A Bot API call's parameters, wherever the client put them (Telegram accepts all four): the query string, a JSON
/// body, a urlencoded form or a multipart form (complex values JSON-serialised, files as parts, referenced by field
/// name or <c>attach://name</c>).
/// </summary>
internal sealed class RequestBody
{
    public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Name, string ContentType, byte[] Bytes)> files = new(StringComparer.Ordinal);

    public static async Task<RequestBody> ReadAsync(HttpRequest request)
    {
        var body = new RequestBody();
        foreach (var (key, value) in request.Query) body.Fields[key] = value.ToString();
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            foreach (var (key, value) in form) body.Fields[key] = value.ToString();
            foreach (var file in form.Files)
            {
                using var bytes = new MemoryStream();
                await file.CopyToAsync(bytes);
                body.files[file.Name] = (file.FileName, file.ContentType ?? "application/octet-stream", bytes.ToArray());
            }
        }
        else if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            var json = await JsonNode.ParseAsync(request.Body);
            if (json is JsonObject obj)
                foreach (var (key, value) in obj)
                    body.Fields[key] = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value?.ToJsonString() ?? "";
        }
        return body;
    }

    public string? String(string key) => Fields.TryGetValue(key, out var v) ? v : null;

    public long? Long(string key) =>
        String(key) is { } v && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    public long? ChatId() => Long("chat_id");

    public JsonObject? Object(string key)
    {
        if (String(key) is not { } v) return null;
        try
        {
            return JsonNode.Parse(v) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public (string Name, string ContentType, byte[] Bytes)? File(string field)
    {
        if (files.TryGetValue(field, out var direct)) return direct;
        if (String(field) is { } reference && reference.StartsWith("attach://", StringComparison.Ordinal)
            && files.TryGetValue(reference["attach://".Length..], out var attached))
            return attached;
        return null;
    }
}
