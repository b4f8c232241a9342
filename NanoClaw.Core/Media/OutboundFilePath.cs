using LanguageExt;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Media;

/// <summary>Which of the container's directories a file sent with <c>send_file</c> lives in.</summary>
public enum FileRoot
{
    /// <summary><c>/workspace/group</c>: the group's own folder (<c>groups/&lt;folder&gt;</c> on the host).</summary>
    Group,

    /// <summary><c>/workspace/media</c>: the group's read-only received media (<c>data/media/&lt;folder&gt;</c> on the host).</summary>
    Media,
}

/// <summary>A file path as the agent gave it, checked and split: the root it is under and the names below it.</summary>
/// <param name="Root">The container directory the path starts in.</param>
/// <param name="Segments">The names below the root, each a single plain name (no <c>.</c>, <c>..</c>, <c>/</c> or NUL).</param>
public sealed record OutboundFilePath(FileRoot Root, Seq<string> Segments)
{
    /// <summary>The container's group folder.</summary>
    public const string GroupPrefix = "/workspace/group/";

    /// <summary>The container's read-only media folder.</summary>
    public const string MediaPrefix = "/workspace/media/";

    /// <summary>Longest path accepted, in characters.</summary>
    public const int MaxChars = 4096;

    /// <summary>The file's own name (the last segment).</summary>
    public string FileName => Segments.Last;

    /// <summary>The path as the agent sees it.</summary>
    public string ContainerPath => (Root == FileRoot.Group ? GroupPrefix : MediaPrefix) + string.Join("/", Segments);

    /// <summary>
    /// Checks a path from an agent. Only absolute paths under <c>/workspace/group/</c> or <c>/workspace/media/</c>,
    /// with no <c>.</c> or <c>..</c> segment, no empty segment (<c>//</c>), no NUL or other control character. The
    /// host still reads the file through directory handles that refuse links; this only decides where to start.
    /// </summary>
    /// <returns>The split path, or the reason it is refused.</returns>
    public static Either<string, OutboundFilePath> Parse(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "'path' must be a non-empty string";
        if (path.Length > MaxChars) return $"'path' is longer than {MaxChars} characters";
        if (path.Any(char.IsControl)) return "'path' contains a control character";
        var (root, rest) = path.StartsWith(GroupPrefix, StringComparison.Ordinal) ? (FileRoot.Group, path[GroupPrefix.Length..])
            : path.StartsWith(MediaPrefix, StringComparison.Ordinal) ? (FileRoot.Media, path[MediaPrefix.Length..])
            : (default(FileRoot?), "");
        if (root is not { } r) return $"'path' must be under {GroupPrefix} or {MediaPrefix}, not '{path}'";
        var segments = rest.Split('/');
        if (segments.Any(s => s.Length == 0)) return $"'path' has an empty segment or ends in '/': '{path}'";
        if (segments.Any(s => s is "." or "..")) return $"'path' may not contain '.' or '..': '{path}'";
        return new OutboundFilePath(r, toSeq(segments).Strict());
    }
}
