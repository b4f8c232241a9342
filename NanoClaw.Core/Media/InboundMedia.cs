using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Media;

/// <summary>
/// The rules every channel's inbound media follows (the same as the WhatsApp sidecar's <c>media.mjs</c>): which file
/// name the daemon gives a download, whether a file may be downloaded under the per-file and per-group-per-day
/// limits, and the reasons recorded when it is not. Pure.
/// </summary>
public static partial class InboundMedia
{
    /// <summary>The file is larger than <c>media.max_file_mb</c>.</summary>
    public const string TooLarge = "too large";

    /// <summary>The group's downloads today would pass <c>media.max_mb_per_group_per_day</c>.</summary>
    public const string DailyLimit = "daily limit reached";

    /// <summary>The chat is not a registered group: its media is never fetched.</summary>
    public const string NotRegistered = "chat not registered";

    /// <summary>Longest reason recorded.</summary>
    public const int MaxReasonChars = 200;

    // Known MIME types → extension (as media.mjs).
    private static readonly Dictionary<string, string> Extensions = new(StringComparer.Ordinal)
    {
        ["image/jpeg"] = "jpg", ["image/png"] = "png", ["image/webp"] = "webp", ["image/gif"] = "gif", ["image/heic"] = "heic",
        ["application/pdf"] = "pdf", ["text/plain"] = "txt", ["text/csv"] = "csv", ["application/json"] = "json",
        ["application/zip"] = "zip", ["application/msword"] = "doc",
        ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"] = "docx",
        ["application/vnd.ms-excel"] = "xls",
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = "xlsx",
        ["application/vnd.openxmlformats-officedocument.presentationml.presentation"] = "pptx",
        ["audio/ogg"] = "ogg", ["audio/mpeg"] = "mp3", ["audio/mp4"] = "m4a", ["audio/aac"] = "aac", ["audio/wav"] = "wav",
        ["video/mp4"] = "mp4", ["video/3gpp"] = "3gp", ["video/quicktime"] = "mov", ["video/webm"] = "webm",
    };

    /// <summary>
    /// The name a download gets: the message id when it is plain (<c>[A-Za-z0-9_-]{1,64}</c>, else a hash of it), a
    /// dot, and an extension from the MIME type, else from the original name when that ends in 1–8 letters/digits,
    /// else <c>bin</c>. Nothing from the chat becomes a path as given.
    /// </summary>
    public static string StoredName(string messageId, string mime, string? originalName)
    {
        var id = PlainId().IsMatch(messageId)
            ? messageId
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)))[..32];
        if (!Extensions.TryGetValue(mime, out var ext) && originalName is not null && OriginalExtension().Match(originalName) is { Success: true } m)
            ext = m.Groups[1].Value.ToLowerInvariant();
        return $"{id}.{ext ?? "bin"}";
    }

    /// <summary>The <paramref name="n"/>th alternative to <paramref name="name"/> when it is taken: <c>id-1.jpg</c>, <c>id-2.jpg</c>…</summary>
    public static string Alternative(string name, int n)
    {
        if (n == 0) return name;
        var dot = name.LastIndexOf('.');
        return dot < 0 ? $"{name}-{n}" : $"{name[..dot]}-{n}{name[dot..]}";
    }

    /// <summary>
    /// Whether a file of <paramref name="declaredSize"/> bytes (negative: unknown) may be downloaded when the group has
    /// already used <paramref name="usedToday"/> bytes: none when it may, else the reason.
    /// </summary>
    public static Option<string> Judge(long declaredSize, long usedToday, long maxFileBytes, long maxBytesPerDay)
    {
        if (declaredSize > maxFileBytes) return TooLarge;
        if (declaredSize >= 0 && usedToday + declaredSize > maxBytesPerDay) return DailyLimit;
        return None;
    }

    /// <summary>Most bytes a download may bring (counted while they arrive, since a stated size may lie).</summary>
    public static long DownloadLimit(long usedToday, long maxFileBytes, long maxBytesPerDay) =>
        Math.Max(0, Math.Min(maxFileBytes, maxBytesPerDay - usedToday));

    /// <summary>Why a download stopped after <paramref name="received"/> bytes passed <see cref="DownloadLimit"/>.</summary>
    public static string OverLimitReason(long received, long maxFileBytes) => received > maxFileBytes ? TooLarge : DailyLimit;

    /// <summary>True when a file last written at <paramref name="modified"/> counts toward today's (UTC) usage at <paramref name="now"/>.</summary>
    public static bool CountsToday(DateTimeOffset modified, DateTimeOffset now) => modified.UtcDateTime.Date == now.UtcDateTime.Date;

    /// <summary>A failed download's reason, shortened; the caller has already removed any secret from <paramref name="error"/>.</summary>
    public static string DownloadFailed(string error)
    {
        var reason = "download failed: " + string.Concat(error.Where(c => !char.IsControl(c)));
        return reason.Length <= MaxReasonChars ? reason : reason[..MaxReasonChars];
    }

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex PlainId();

    [GeneratedRegex(@"\.([A-Za-z0-9]{1,8})\z")]
    private static partial Regex OriginalExtension();
}
