using System.Text;

namespace NanoClaw.Core.Media;

/// <summary>
/// The MIME type of a file from its first bytes (its "magic"), never from its name: the name is the agent's, the bytes
/// are what WhatsApp and the recipient's phone will decode. Covers the formats WhatsApp shows inline and a few common
/// documents; anything else is <c>application/octet-stream</c> (or <c>text/plain</c> for valid UTF-8 without NUL).
/// </summary>
public static class MimeSniffer
{
    /// <summary>The unknown type.</summary>
    public const string Binary = "application/octet-stream";

    /// <summary>The MIME type of <paramref name="bytes"/>.</summary>
    public static string Sniff(ReadOnlySpan<byte> bytes)
    {
        if (Starts(bytes, [0xFF, 0xD8, 0xFF])) return "image/jpeg";
        if (Starts(bytes, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (Starts(bytes, "GIF87a"u8) || Starts(bytes, "GIF89a"u8)) return "image/gif";
        if (Starts(bytes, "RIFF"u8) && bytes.Length >= 12 && bytes[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        if (Starts(bytes, "RIFF"u8) && bytes.Length >= 12 && bytes[8..12].SequenceEqual("WAVE"u8)) return "audio/wav";
        if (Starts(bytes, "%PDF-"u8)) return "application/pdf";
        if (Starts(bytes, "OggS"u8)) return "audio/ogg";
        if (Starts(bytes, "ID3"u8) || (bytes.Length >= 2 && bytes[0] == 0xFF && (bytes[1] & 0xE0) == 0xE0 && (bytes[1] & 0x06) != 0)) return "audio/mpeg";
        if (Starts(bytes, [0x1A, 0x45, 0xDF, 0xA3])) return "video/webm";
        if (bytes.Length >= 12 && bytes[4..8].SequenceEqual("ftyp"u8)) return Mp4Family(bytes[8..12]);
        if (Starts(bytes, [(byte)'P', (byte)'K', 0x03, 0x04])) return "application/zip";
        return IsText(bytes) ? "text/plain" : Binary;
    }

    /// <summary>How WhatsApp should show a file of this MIME type: inline only for the formats every phone plays.</summary>
    public static MediaKind KindOf(string mime) => mime switch
    {
        "image/jpeg" or "image/png" or "image/webp" => MediaKind.Image,
        "video/mp4" or "video/3gpp" => MediaKind.Video,
        "audio/ogg" or "audio/mpeg" or "audio/mp4" => MediaKind.Audio,
        _ => MediaKind.Document,
    };

    private static string Mp4Family(ReadOnlySpan<byte> brand)
    {
        var name = Encoding.ASCII.GetString(brand);
        if (name.StartsWith("M4A", StringComparison.Ordinal)) return "audio/mp4";
        if (name.StartsWith("3g", StringComparison.Ordinal)) return "video/3gpp";
        if (name == "qt  ") return "video/quicktime";
        return "video/mp4";
    }

    private static bool Starts(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> magic) => bytes.StartsWith(magic);

    private static bool IsText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IndexOf((byte)0) >= 0) return false;
        // A multi-byte character cut at the end of a sample is still text.
        var sample = bytes.Length > 4096 ? bytes[..4096] : bytes;
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        try
        {
            decoder.GetCharCount(sample, flush: bytes.Length <= 4096);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
