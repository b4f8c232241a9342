using System.Text;
using System.Text.Json;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Containers;

/// <summary>JSON encoding of the container interface (stdin input, stdout records), with the field names NanoClaw uses.</summary>
public static class ContainerJson
{
    /// <summary>Encodes the stdin object.</summary>
    public static string Serialize(ContainerInput input)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("prompt", input.Prompt);
            input.SessionId.IfSome(s => w.WriteString("sessionId", s));
            w.WriteString("groupFolder", input.GroupFolder);
            w.WriteString("chatJid", input.ChatJid);
            w.WriteBoolean("isMain", input.IsMain);
            if (input.IsScheduledTask) w.WriteBoolean("isScheduledTask", true);
            w.WriteString("assistantName", input.AssistantName);
            input.Script.IfSome(s => w.WriteString("script", s));
            input.IdleTimeoutMs.IfSome(ms => w.WriteNumber("idleTimeoutMs", ms));
            input.MaxRunMs.IfSome(ms => w.WriteNumber("maxRunMs", ms));
            if (!input.Secrets.IsEmpty)
            {
                w.WriteStartObject("secrets");
                foreach (var (k, v) in input.Secrets) w.WriteString(k, v);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Decodes the stdin object, naming the first missing or mistyped field.</summary>
    public static Either<string, ContainerInput> ParseInput(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return "input must be a JSON object";
            return
                from prompt in RequiredString(root, "prompt")
                from folder in RequiredString(root, "groupFolder")
                from chat in RequiredString(root, "chatJid")
                from secrets in Secrets(root)
                select new ContainerInput(
                    prompt,
                    OptionalString(root, "sessionId"),
                    folder,
                    chat,
                    Bool(root, "isMain"),
                    Bool(root, "isScheduledTask"),
                    OptionalString(root, "assistantName").IfNone("Andy"),
                    OptionalString(root, "script"),
                    secrets)
                {
                    IdleTimeoutMs = OptionalPositiveInt(root, "idleTimeoutMs"),
                    MaxRunMs = OptionalPositiveInt(root, "maxRunMs"),
                };
        }
        catch (JsonException e)
        {
            return $"input is not valid JSON: {e.Message}";
        }
    }

    /// <summary>Encodes one output record's JSON line (without markers).</summary>
    public static string Serialize(ContainerOutput output)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("status", output.Status == OutputStatus.Success ? "success" : "error");
            output.Result.Match(r => w.WriteString("result", r), () => w.WriteNull("result"));
            output.NewSessionId.IfSome(s => w.WriteString("newSessionId", s));
            output.Error.IfSome(e => w.WriteString("error", e));
            output.Usage.IfSome(u => WriteUsage(w, u));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Encodes a record with its markers, ready to print.</summary>
    public static string Frame(ContainerOutput output) =>
        $"{OutputMarkers.Start}\n{Serialize(output)}\n{OutputMarkers.End}\n";

    /// <summary>Decodes one record's JSON.</summary>
    public static Either<string, ContainerOutput> ParseOutput(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return Output(doc.RootElement);
        }
        catch (JsonException e)
        {
            return $"output record is not valid JSON: {e.Message}";
        }
    }

    /// <summary>
    /// Decodes one record's JSON straight from UTF-8 bytes (the stream parser's fast path). Bytes that are not valid
    /// UTF-8 are decoded with replacement characters first, as <see cref="ParseOutput(string)"/> would see them.
    /// </summary>
    public static Either<string, ContainerOutput> ParseOutput(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            using var doc = JsonDocument.Parse(utf8Json);
            return Output(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return ParseOutput(Encoding.UTF8.GetString(utf8Json.Span));
        }
    }

    private static Either<string, ContainerOutput> Output(JsonElement root) =>
        root.ValueKind != JsonValueKind.Object
            ? "output record must be a JSON object"
            : RequiredString(root, "status").Bind(status => status switch
            {
                "success" or "error" => Right<string, ContainerOutput>(new ContainerOutput(
                    status == "success" ? OutputStatus.Success : OutputStatus.Error,
                    OptionalString(root, "result"),
                    OptionalString(root, "newSessionId"),
                    OptionalString(root, "error")) { Usage = UsageOf(root) }),
                _ => Left<string, ContainerOutput>($"output status must be success or error, not '{status}'"),
            });

    private static void WriteUsage(Utf8JsonWriter w, TurnUsage u)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("inputTokens", u.InputTokens);
        w.WriteNumber("outputTokens", u.OutputTokens);
        w.WriteNumber("cacheCreationInputTokens", u.CacheCreationInputTokens);
        w.WriteNumber("cacheReadInputTokens", u.CacheReadInputTokens);
        w.WriteNumber("costUsd", u.CostUsd);
        w.WriteNumber("numTurns", u.NumTurns);
        w.WriteNumber("durationApiMs", u.DurationApiMs);
        w.WriteEndObject();
    }

    /// <summary>
    /// The optional <c>usage</c> object. A record stays valid whatever this field holds: anything missing, mistyped,
    /// negative or absurdly large makes it absent (the record comes from the container, so it bounds what it may claim).
    /// </summary>
    private static Option<TurnUsage> UsageOf(JsonElement root)
    {
        if (!root.TryGetProperty("usage", out var u) || u.ValueKind != JsonValueKind.Object) return None;
        long Long(string name) => u.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : -1;
        var cost = u.TryGetProperty("costUsd", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetDecimal(out var d) ? d : -1m;
        var turns = Long("numTurns");
        var usage = new TurnUsage(Long("inputTokens"), Long("outputTokens"), Long("cacheCreationInputTokens"), Long("cacheReadInputTokens"),
            cost, turns is >= 0 and <= int.MaxValue ? (int)turns : -1, Long("durationApiMs"));
        return usage.IsPlausible ? Some(usage) : None;
    }

    private static Either<string, string> RequiredString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? Right<string, string>(v.GetString()!)
            : Left<string, string>($"'{name}' must be a string");

    private static Option<string> OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? Some(v.GetString()!) : None;

    /// <summary>A positive whole number; anything else (absent, wrong type, zero, negative) is treated as absent.</summary>
    private static Option<int> OptionalPositiveInt(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n > 0 ? Some(n) : None;

    private static bool Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static Either<string, Map<string, string>> Secrets(JsonElement root)
    {
        if (!root.TryGetProperty("secrets", out var v) || v.ValueKind == JsonValueKind.Null) return Map<string, string>();
        if (v.ValueKind != JsonValueKind.Object) return "'secrets' must be an object of strings";
        var map = Map<string, string>();
        foreach (var p in v.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) return $"'secrets.{p.Name}' must be a string";
            map = map.AddOrUpdate(p.Name, p.Value.GetString()!);
        }
        return map;
    }
}
