using LanguageExt;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Media;

/// <summary>One size a chat service offers of a photo.</summary>
/// <param name="FileId">The service's id of this size's file.</param>
/// <param name="Width">Pixels wide.</param>
/// <param name="Height">Pixels high.</param>
/// <param name="FileSize">Bytes, when the service says (negative: unknown).</param>
public sealed record PhotoSize(string FileId, int Width, int Height, long FileSize);

/// <summary>Which size of a photo to download.</summary>
public static class PhotoSizes
{
    /// <summary>
    /// The largest size (by pixels, then bytes) within <paramref name="maxBytes"/>; a size of unknown bytes counts as
    /// within (the download counts what arrives). When none is within, the largest overall (it is then recorded as
    /// too large). None only for no sizes.
    /// </summary>
    public static Option<PhotoSize> Choose(IEnumerable<PhotoSize> sizes, long maxBytes)
    {
        var ordered = sizes.OrderByDescending(s => (long)Math.Max(0, s.Width) * Math.Max(0, s.Height)).ThenByDescending(s => s.FileSize).ToList();
        if (ordered.Count == 0) return None;
        return ordered.FirstOrDefault(s => s.FileSize <= maxBytes) ?? ordered[0];
    }
}
