using System.Globalization;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Media;
using NanoClaw.Shell.Media;
using Telegram.Bot.Types;
using static LanguageExt.Prelude;
using PhotoSize = NanoClaw.Core.Media.PhotoSize;

namespace NanoClaw.Shell.Telegram;

/// <summary>A file a Telegram message carries: what the store is told about it and the Bot API's id to fetch it by.</summary>
/// <param name="Media">Kind, declared type and size, original name and caption.</param>
/// <param name="FileId">The Bot API's <c>file_id</c> (for <c>getFile</c>).</param>
public sealed record TelegramFile(IncomingMedia Media, string FileId);

/// <summary>Pure: which file of a Telegram message is inbound media, and whether a server's <c>file_path</c> may be fetched.</summary>
public static class TelegramMedia
{
    /// <summary>
    /// The message's file, if any: a photo (the largest size within <paramref name="maxFileBytes"/>), a document, a
    /// voice note, an audio file, a video, a video note or an animation (these three as video). Stickers are not media.
    /// </summary>
    public static Option<TelegramFile> FileOf(Message m, long maxFileBytes)
    {
        var id = m.MessageId.ToString(CultureInfo.InvariantCulture);
        var caption = m.Caption;
        if (m.Photo is { Length: > 0 } photos)
            return PhotoSizes.Choose(photos.Select(p => new PhotoSize(p.FileId, p.Width, p.Height, p.FileSize ?? -1)), maxFileBytes)
                .Map(p => new TelegramFile(new IncomingMedia(AttachmentKinds.Image, id, "image/jpeg", p.FileSize, null, caption), p.FileId));
        if (m.Voice is { } voice)
            return new TelegramFile(new IncomingMedia(AttachmentKinds.Voice, id, voice.MimeType ?? "audio/ogg", voice.FileSize ?? -1, null, caption), voice.FileId);
        if (m.Audio is { } audio)
            return new TelegramFile(new IncomingMedia(AttachmentKinds.Audio, id, audio.MimeType, audio.FileSize ?? -1, audio.FileName, caption), audio.FileId);
        if (m.Video is { } video)
            return new TelegramFile(new IncomingMedia(AttachmentKinds.Video, id, video.MimeType, video.FileSize ?? -1, video.FileName, caption), video.FileId);
        if (m.Animation is { } animation)
            return new TelegramFile(new IncomingMedia(AttachmentKinds.Video, id, animation.MimeType, animation.FileSize ?? -1, animation.FileName, caption), animation.FileId);
        if (m.VideoNote is { } note)
            return new TelegramFile(new IncomingMedia(AttachmentKinds.Video, id, "video/mp4", note.FileSize ?? -1, null, caption), note.FileId);
        if (m.Document is { } document)
            return new TelegramFile(new IncomingMedia(AttachmentKinds.Document, id, document.MimeType, document.FileSize ?? -1, document.FileName, caption), document.FileId);
        return None;
    }

    /// <summary>
    /// How a file of the outbox goes out, by its kind (<see cref="MediaKind"/> in lower case) and sniffed MIME type:
    /// images as photos, OGG audio as a voice note, other audio as audio, MP4 video as a video, anything else as a
    /// document.
    /// </summary>
    public static TelegramSendMethod SendMethodOf(string kind, string mime) => kind switch
    {
        "image" => TelegramSendMethod.Photo,
        "audio" when mime == "audio/ogg" => TelegramSendMethod.Voice,
        "audio" => TelegramSendMethod.Audio,
        // Telegram plays MPEG-4 inline; other containers (3GPP, say) would arrive unplayable, so they stay documents.
        "video" when mime == "video/mp4" => TelegramSendMethod.Video,
        _ => TelegramSendMethod.Document,
    };

    /// <summary>
    /// True for a <c>file_path</c> from <c>getFile</c> that names a file under the bot's file URL: relative, no
    /// <c>.</c>/<c>..</c>/empty segment, no backslash, <c>?</c>, <c>#</c>, <c>%</c> or control character. It is only
    /// ever part of a URL (the stored name is the daemon's), but a path that climbs out of the file URL is refused.
    /// </summary>
    public static bool IsFetchablePath(string? filePath)
    {
        if (string.IsNullOrEmpty(filePath) || filePath.Length > 1024 || filePath[0] == '/') return false;
        if (filePath.Any(c => char.IsControl(c) || c is '\\' or '?' or '#' or '%' or ':')) return false;
        return filePath.Split('/').All(s => s.Length > 0 && s is not "." and not "..");
    }
}

/// <summary>The Bot API method a file goes out with.</summary>
public enum TelegramSendMethod
{
    /// <summary><c>sendPhoto</c>: shown inline, recompressed by Telegram.</summary>
    Photo,

    /// <summary><c>sendVoice</c>: an OGG/Opus voice note.</summary>
    Voice,

    /// <summary><c>sendAudio</c>: a music player entry.</summary>
    Audio,

    /// <summary><c>sendDocument</c>: a file with its name (everything else).</summary>
    Document,

    /// <summary><c>sendVideo</c>: an MP4 video, played inline.</summary>
    Video,
}
