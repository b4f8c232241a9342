using System.Text.Json;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Usage;

namespace NanoClaw.Shell.CredentialProxy;

/// <summary>
/// Reads the <c>usage</c> of one Messages API response from its body bytes as they pass through the proxy, without
/// holding the stream back: a server-sent event stream is read line by line (<c>message_start</c> gives the input and
/// cache tokens, each <c>message_delta</c> the running output count, and any field it repeats overrides), a JSON body
/// is kept (up to <see cref="MaxJsonBytes"/>) and read at the end. Anything malformed — broken JSON, a field that is not
/// a whole non-negative number or is absurd, an over-long line — is skipped, never thrown: the bytes still reach the
/// container unchanged. The body arrives in any chunking; the result does not depend on it.
/// </summary>
public sealed class ResponseUsageReader
{
    /// <summary>Largest JSON body read (bigger ones are forwarded but not counted).</summary>
    public const int MaxJsonBytes = 8 * 1024 * 1024;

    /// <summary>Longest SSE event data kept; longer events (large text deltas) are skipped.</summary>
    public const int MaxEventBytes = 1024 * 1024;

    private readonly bool sse;
    private readonly MemoryStream buffer = new();
    private bool overflow;
    // SSE state: the current line, whether the last byte was CR (a following LF belongs to it), the event's name and data.
    private bool lastWasCr;
    private string eventName = "";
    private readonly MemoryStream data = new();
    private bool dataOverflow;
    private long? input, output, cacheCreation, cacheRead;
    private bool seen;

    private ResponseUsageReader(bool sse) => this.sse = sse;

    /// <summary>A reader for a response of <paramref name="contentType"/>, or null when it is neither SSE nor JSON.</summary>
    public static ResponseUsageReader? For(string? contentType)
    {
        var type = (contentType ?? "").Split(';', 2)[0].Trim();
        if (type.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase)) return new ResponseUsageReader(true);
        if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return new ResponseUsageReader(false);
        return null;
    }

    /// <summary>Takes the next bytes of the body.</summary>
    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (!sse)
        {
            if (overflow) return;
            if (buffer.Length + chunk.Length > MaxJsonBytes) { overflow = true; buffer.SetLength(0); return; }
            buffer.Write(chunk);
            return;
        }
        foreach (var b in chunk)
        {
            if (b == (byte)'\n' && lastWasCr) { lastWasCr = false; continue; }
            lastWasCr = b == (byte)'\r';
            if (b is (byte)'\n' or (byte)'\r') { Line(); continue; }
            if (buffer.Length < MaxEventBytes) buffer.WriteByte(b);
            else overflow = true;
        }
    }

    /// <summary>The response's tokens, once the body has ended; none when it carried no readable usage.</summary>
    public ApiTokens? Result()
    {
        if (sse)
        {
            if (buffer.Length > 0 || overflow) Line(); // a last line without its end of line
            Dispatch();                                 // a last event without its blank line
        }
        else if (!overflow && buffer.Length > 0)
        {
            try
            {
                using var doc = JsonDocument.Parse(buffer.ToArray());
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("usage", out var usage)) Take(usage);
            }
            catch (JsonException)
            {
            }
        }
        return seen ? new ApiTokens(input ?? 0, output ?? 0, cacheCreation ?? 0, cacheRead ?? 0) : null;
    }

    private void Line()
    {
        var tooLong = overflow;
        var line = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        buffer.SetLength(0);
        overflow = false;
        if (line.IsEmpty && !tooLong) { Dispatch(); return; }
        if (tooLong) { if (line.StartsWith("data:"u8)) dataOverflow = true; return; }
        if (line[0] == (byte)':') return; // comment
        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ') value = value[1..];
        if (field.SequenceEqual("event"u8)) eventName = System.Text.Encoding.UTF8.GetString(value);
        else if (field.SequenceEqual("data"u8))
        {
            if (dataOverflow || data.Length + value.Length + 1 > MaxEventBytes) { dataOverflow = true; return; }
            if (data.Length > 0) data.WriteByte((byte)'\n');
            data.Write(value);
        }
    }

    private void Dispatch()
    {
        var name = eventName;
        var skip = dataOverflow || data.Length == 0;
        eventName = "";
        dataOverflow = false;
        if (skip) { data.SetLength(0); return; }
        // Only these two events carry usage; the name is optional in SSE, so without one the data's type decides.
        if (name.Length > 0 && name is not ("message_start" or "message_delta")) { data.SetLength(0); return; }
        try
        {
            using var doc = JsonDocument.Parse(data.GetBuffer().AsMemory(0, (int)data.Length));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String) return;
            if (type.ValueEquals("message_start") && root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("usage", out var startUsage))
                Take(startUsage);
            else if (type.ValueEquals("message_delta") && root.TryGetProperty("usage", out var deltaUsage))
                Take(deltaUsage);
        }
        catch (JsonException)
        {
        }
        finally
        {
            data.SetLength(0);
        }
    }

    // Fields present override earlier values: message_delta's counts are cumulative for the message.
    private void Take(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object) return;
        seen = true;
        input = Field(usage, "input_tokens") ?? input;
        output = Field(usage, "output_tokens") ?? output;
        cacheCreation = Field(usage, "cache_creation_input_tokens") ?? cacheCreation;
        cacheRead = Field(usage, "cache_read_input_tokens") ?? cacheRead;
    }

    private static long? Field(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n is >= 0 and <= TurnUsage.MaxTokens
            ? n
            : null;
}
