namespace NanoClaw.Core.Media;

/// <summary>How WhatsApp shows a sent file.</summary>
public enum MediaKind
{
    /// <summary>A photo, shown inline.</summary>
    Image,

    /// <summary>A video, played inline.</summary>
    Video,

    /// <summary>An audio file, played inline.</summary>
    Audio,

    /// <summary>Anything else: a file to download, with its name.</summary>
    Document,
}
