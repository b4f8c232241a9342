using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NanoClaw.AgentRunner.Claude;

/// <summary>
/// Images of the current batch as image content blocks of the user turn, so the model sees them, not just a path.
/// The prompt names them (<c>&lt;attachment type="image" path="/workspace/media/…"</c>, see the core's
/// Routing/README.md); the files come from the read-only media mount, which only the host writes.
/// Limits (the Messages API's, with room to spare): a file over <see cref="MaxImageBytes"/> (5 MB base64 ≈ 3.75 MB
/// of bytes) and every image after the first <see cref="MaxImages"/> are left to the path in the prompt: the agent
/// can still open them with Read. Only JPEG, PNG, GIF and WebP are sent (what the API accepts).
/// </summary>
internal static partial class ImageBlocks
{
    public const int MaxImages = 20;
    public const long MaxImageBytes = 3_750_000;
    private static readonly HashSet<string> Accepted = ["image/jpeg", "image/png", "image/gif", "image/webp"];

    /// <summary>
    /// The user turn's content: the prompt itself when it names no image that can be sent, else the prompt as a text
    /// block followed by one image block per image.
    /// </summary>
    /// <param name="prompt">The prompt text.</param>
    /// <param name="mediaDir">Where <c>/workspace/media</c> is (another directory in host tests).</param>
    public static JsonNode Content(string prompt, string mediaDir)
    {
        var images = new List<JsonNode>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in ImageAttachment().Matches(prompt))
        {
            if (images.Count >= MaxImages) break;
            var name = m.Groups["name"].Value;
            var mime = m.Groups["mime"].Value;
            if (!Accepted.Contains(mime) || !seen.Add(name)) continue;
            if (Read(Path.Combine(mediaDir, name)) is not { } bytes) continue;
            images.Add(new JsonObject
            {
                ["type"] = "image",
                ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = mime, ["data"] = Convert.ToBase64String(bytes) },
            });
        }
        if (images.Count == 0) return JsonValue.Create(prompt);
        Log.Info($"attaching {images.Count} image(s) to the turn");
        return new JsonArray([new JsonObject { ["type"] = "text", ["text"] = prompt }, .. images]);
    }

    // A regular file within the limit, or null (missing, too large, not a regular file).
    private static byte[]? Read(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null || info.Length > MaxImageBytes) return null;
            var bytes = File.ReadAllBytes(path);
            return bytes.Length <= MaxImageBytes ? bytes : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Info($"image {Path.GetFileName(path)} not attached: {e.Message}");
            return null;
        }
    }

    // Names are what the sidecar writes ([A-Za-z0-9_-] and one extension): nothing here can leave the media folder.
    [GeneratedRegex("""<attachment type="(?:image|sticker)" path="/workspace/media/(?<name>[A-Za-z0-9_-]{1,80}\.[a-z0-9]{1,8})" mime="(?<mime>[a-z0-9.+/-]{1,100})"\s""")]
    private static partial Regex ImageAttachment();
}
