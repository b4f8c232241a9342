using LanguageExt;

namespace NanoClaw.Core.Domain;

/// <summary>A file that came with a message (a photo, document, voice note …), as the <c>attachments</c> table records it.</summary>
/// <param name="Kind">One of <see cref="AttachmentKinds.All"/>.</param>
/// <param name="Mime">MIME type without parameters (<c>application/octet-stream</c> when unknown).</param>
/// <param name="Size">Size in bytes; -1 when unknown.</param>
/// <param name="File">
/// The file's name in the group's media folder (<c>data/media/&lt;folder&gt;</c> on the host, <c>/workspace/media</c>
/// in the container); None when it was not downloaded.
/// </param>
/// <param name="Reason">Why there is no file (<c>too large</c>, <c>daily limit reached</c>, <c>download failed: …</c>); None when there is one.</param>
/// <param name="Caption">The caption written with it, if any (text from the chat).</param>
/// <param name="OriginalName">A document's file name as the sender gave it (text from the chat, never a path).</param>
/// <param name="Transcript">A voice note's transcript, when one was made.</param>
public sealed record Attachment(
    string Kind,
    string Mime,
    long Size,
    Option<string> File,
    Option<string> Reason,
    Option<string> Caption,
    Option<string> OriginalName,
    Option<string> Transcript);

/// <summary>The kinds of <see cref="Attachment"/>.</summary>
public static class AttachmentKinds
{
    /// <summary>A photo or other picture.</summary>
    public const string Image = "image";

    /// <summary>A document (PDF and any other file).</summary>
    public const string Document = "document";

    /// <summary>An audio file that is not a voice note.</summary>
    public const string Audio = "audio";

    /// <summary>A recorded voice note.</summary>
    public const string Voice = "voice";

    /// <summary>A video.</summary>
    public const string Video = "video";

    /// <summary>A sticker (a small image).</summary>
    public const string Sticker = "sticker";

    /// <summary>Every kind; anything else a channel reports is recorded as <see cref="Document"/>.</summary>
    public static readonly IReadOnlyList<string> All = [Image, Document, Audio, Voice, Video, Sticker];

    /// <summary>The kind itself when known, otherwise <see cref="Document"/>.</summary>
    public static string Normalise(string? kind) => kind is not null && All.Contains(kind) ? kind : Document;
}
