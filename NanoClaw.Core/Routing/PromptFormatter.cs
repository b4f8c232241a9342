using System.Buffers;
using System.Globalization;
using System.Text;
using LanguageExt;
using NanoClaw.Core.Domain;

namespace NanoClaw.Core.Routing;

/// <summary>
/// Turns a batch into the agent's prompt (SPEC §5):
/// <code>
/// &lt;context timezone="America/New_York" /&gt;
/// &lt;messages&gt;
/// &lt;message sender="Alice" time="Jan 31, 2026, 2:32 PM"&gt;hello&lt;/message&gt;
/// &lt;message sender="Bob" time="Jan 31, 2026, 2:33 PM" reply_to="m1"&gt;&lt;quoted_message from="Alice"&gt;hello&lt;/quoted_message&gt;hi&lt;/message&gt;
/// &lt;message sender="Carol" time="Jan 31, 2026, 2:34 PM"&gt;our cat
/// &lt;attachment type="image" path="/workspace/media/3EB0.jpg" mime="image/jpeg" size="48213" /&gt;&lt;/message&gt;
/// &lt;/messages&gt;
/// </code>
/// Attachments follow the message's text, one <c>attachment</c> element each (see <c>Routing/README.md</c>): a
/// file that was not downloaded has no <c>path</c> and a <c>status</c> saying why; a voice note carries its
/// <c>transcript</c> element or <c>status="voice note, not transcribed"</c>.
/// Times are local to the configured zone. <c>&amp; &lt; &gt; "</c> are escaped everywhere; so that the output is always
/// well-formed XML that reads back exactly, carriage returns (and, inside attributes, tabs and newlines) become
/// character references, and characters XML cannot carry at all (control characters, lone surrogates) become U+FFFD.
/// </summary>
public static class PromptFormatter
{
    private const string TimeFormat = "MMM d, yyyy, h:mm tt";

    /// <summary>Formats <paramref name="batch"/> for the agent, stamping times in <paramref name="zone"/>.</summary>
    public static string Format(Seq<ChatMessage> batch, TimeZoneInfo zone)
    {
        var sb = new StringBuilder(128 + batch.Count * 256);
        sb.Append("<context timezone=\"");
        AppendEscaped(sb, zone.Id, attribute: true);
        sb.Append("\" />\n<messages>\n");
        Span<char> time = stackalloc char[64];
        foreach (var m in batch)
        {
            sb.Append("<message sender=\"");
            AppendEscaped(sb, m.SenderName, attribute: true);
            sb.Append("\" time=\"");
            if (TryLocalTime(m.Timestamp, zone, time, out var written))
                sb.Append(time[..written]);
            else
                AppendEscaped(sb, m.Timestamp, attribute: true);
            sb.Append('"');
            if (m.ReplyTo.Case is ReplyReference reply)
            {
                sb.Append(" reply_to=\"");
                AppendEscaped(sb, reply.MessageId, attribute: true);
                sb.Append("\">");
                if (reply.Content.Case is string quoted)
                {
                    sb.Append("<quoted_message");
                    if (reply.SenderName.Case is string from)
                    {
                        sb.Append(" from=\"");
                        AppendEscaped(sb, from, attribute: true);
                        sb.Append('"');
                    }
                    sb.Append('>');
                    AppendEscaped(sb, quoted, attribute: false);
                    sb.Append("</quoted_message>");
                }
            }
            else
            {
                sb.Append('>');
            }
            AppendEscaped(sb, m.Content, attribute: false);
            foreach (var a in m.Attachments) AppendAttachment(sb, a, m.Content);
            sb.Append("</message>\n");
        }
        sb.Append("</messages>");
        return sb.ToString();
    }

    /// <summary>What the prompt says of a voice note that has a file but no transcript.</summary>
    public const string NotTranscribed = "voice note, not transcribed";

    // <attachment type="image" path="/workspace/media/ID.jpg" mime="image/jpeg" size="1234" />, after the message text.
    private static void AppendAttachment(StringBuilder sb, Attachment a, string content)
    {
        sb.Append("\n<attachment type=\"");
        AppendEscaped(sb, a.Kind, attribute: true);
        sb.Append('"');
        if (a.File.Case is string file)
        {
            sb.Append(" path=\"");
            AppendEscaped(sb, Containers.MountPlanner.MediaTarget + "/" + file, attribute: true);
            sb.Append('"');
        }
        sb.Append(" mime=\"");
        AppendEscaped(sb, a.Mime, attribute: true);
        sb.Append('"');
        if (a.Size >= 0) sb.Append(" size=\"").Append(a.Size.ToString(CultureInfo.InvariantCulture)).Append('"');
        if (a.OriginalName.Case is string name)
        {
            sb.Append(" name=\"");
            AppendEscaped(sb, name, attribute: true);
            sb.Append('"');
        }
        // A WhatsApp caption is also the message's text: repeated only when it says something else.
        if (a.Caption.Case is string caption && caption != content)
        {
            sb.Append(" caption=\"");
            AppendEscaped(sb, caption, attribute: true);
            sb.Append('"');
        }
        if (a.File.IsNone)
        {
            sb.Append(" status=\"not downloaded: ");
            AppendEscaped(sb, a.Reason.IfNone("unavailable"), attribute: true);
            sb.Append('"');
        }
        else if (a.Kind == AttachmentKinds.Voice && a.Transcript.IsNone)
        {
            sb.Append(" status=\"").Append(NotTranscribed).Append('"');
        }
        if (a.Transcript.Case is string transcript)
        {
            sb.Append("><transcript>");
            AppendEscaped(sb, transcript, attribute: false);
            sb.Append("</transcript></attachment>");
        }
        else
        {
            sb.Append(" />");
        }
    }

    /// <summary>Formats one instant as the prompt shows it, e.g. <c>Jan 31, 2026, 2:32 PM</c>, in <paramref name="zone"/>.</summary>
    public static string LocalTime(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private static bool TryLocalTime(string timestamp, TimeZoneInfo zone, Span<char> destination, out int written)
    {
        written = 0;
        if (!TryParseUtc(timestamp, out var utc)) return false;
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        // Hand-written "MMM d, yyyy, h:mm tt" (invariant): the general formatter is several times slower.
        var month = Months[local.Month - 1];
        var hour12 = local.Hour % 12 == 0 ? 12 : local.Hour % 12;
        var pos = 0;
        month.AsSpan().CopyTo(destination);
        pos += month.Length;
        destination[pos++] = ' ';
        pos += WriteInt(destination[pos..], local.Day);
        destination[pos++] = ',';
        destination[pos++] = ' ';
        pos += WriteInt(destination[pos..], local.Year);
        destination[pos++] = ',';
        destination[pos++] = ' ';
        pos += WriteInt(destination[pos..], hour12);
        destination[pos++] = ':';
        destination[pos++] = (char)('0' + local.Minute / 10);
        destination[pos++] = (char)('0' + local.Minute % 10);
        destination[pos++] = ' ';
        destination[pos++] = local.Hour < 12 ? 'A' : 'P';
        destination[pos++] = 'M';
        written = pos;
        return true;
    }

    private static int WriteInt(Span<char> destination, int value)
    {
        value.TryFormat(destination, out var n, default, CultureInfo.InvariantCulture);
        return n;
    }

    // The store's own format (2026-01-31T14:32:00.000Z) is parsed by hand: it is on the hot path.
    // Anything else goes through the general ISO parser.
    private static bool TryParseUtc(string? text, out DateTime utc)
    {
        utc = default;
        if (text is null) return false;
        var s = text.AsSpan();
        if (s.Length == 24 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == '.' && s[23] == 'Z'
            && Digits(s, 0, 4, out var year) && Digits(s, 5, 2, out var month) && Digits(s, 8, 2, out var day)
            && Digits(s, 11, 2, out var hour) && Digits(s, 14, 2, out var minute) && Digits(s, 17, 2, out var second)
            && Digits(s, 20, 3, out var ms)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && hour < 24 && minute < 60 && second < 60)
        {
            utc = new DateTime(year, month, day, hour, minute, second, ms, DateTimeKind.Utc);
            return true;
        }
        if (IsoTimestamp.Parse(text).Case is DateTimeOffset parsed)
        {
            utc = parsed.UtcDateTime;
            return true;
        }
        return false;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9) return false;
            value = value * 10 + d;
        }
        return true;
    }

    // Every character that may need more than a plain copy; the scan between them is vectorised.
    private static readonly SearchValues<char> Special = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c))
        + "&<>\""
        + string.Concat(Enumerable.Range(0xD800, 0x800).Select(c => (char)c))
        + "\uFFFE\uFFFF");

    /// <summary>Appends <paramref name="text"/> escaped for XML text (or an attribute value when <paramref name="attribute"/>).</summary>
    internal static void AppendEscaped(StringBuilder sb, string? text, bool attribute)
    {
        if (string.IsNullOrEmpty(text)) return;
        var rest = text.AsSpan();
        while (true)
        {
            var at = rest.IndexOfAny(Special);
            if (at < 0)
            {
                sb.Append(rest);
                return;
            }
            sb.Append(rest[..at]);
            var c = rest[at];
            var consumed = 1;
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\r': sb.Append("&#13;"); break;
                case '\n': sb.Append(attribute ? "&#10;" : "\n"); break;
                case '\t': sb.Append(attribute ? "&#9;" : "\t"); break;
                default:
                    if (char.IsHighSurrogate(c) && at + 1 < rest.Length && char.IsLowSurrogate(rest[at + 1]))
                    {
                        sb.Append(rest.Slice(at, 2));
                        consumed = 2;
                    }
                    else
                    {
                        sb.Append('\uFFFD'); // control character, lone surrogate, U+FFFE/U+FFFF: not representable in XML
                    }
                    break;
            }
            rest = rest[(at + consumed)..];
        }
    }
}
