using LanguageExt;
using Mono.Unix.Native;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Media;
using NanoClaw.Shell.SafeFs;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Media;

/// <summary>Inbound media settings of a channel that downloads in the daemon (Telegram).</summary>
/// <param name="Dir">Absolute folder downloads go to (<c>data/media</c>); one subfolder per group folder.</param>
/// <param name="MaxFileBytes">Largest file downloaded.</param>
/// <param name="MaxBytesPerGroupPerDay">Most bytes downloaded per group per UTC day.</param>
/// <param name="Groups">Registered chat id → group folder, read at each message.</param>
public sealed record InboundMediaSettings(string Dir, long MaxFileBytes, long MaxBytesPerGroupPerDay, Func<IReadOnlyDictionary<string, string>> Groups);

/// <summary>A file a message carries, as the channel describes it before downloading.</summary>
/// <param name="Kind">One of <see cref="AttachmentKinds"/>.</param>
/// <param name="MessageId">The message's id (the stored name starts with it when it is plain).</param>
/// <param name="DeclaredMime">The MIME type the sender's side claims (used only when nothing was downloaded).</param>
/// <param name="DeclaredSize">Bytes the service states; negative when unknown.</param>
/// <param name="OriginalName">The sender's file name: recorded as text, never used as a path.</param>
/// <param name="Caption">The caption, if any.</param>
public sealed record IncomingMedia(string Kind, string MessageId, string? DeclaredMime, long DeclaredSize, string? OriginalName, string? Caption);

/// <summary>
/// Downloads a channel's inbound media into <c>data/media/&lt;folder&gt;/</c> under the rules WhatsApp's sidecar
/// follows (<see cref="InboundMedia"/>): per-file and per-group-per-day limits (today's usage counted from the files in
/// the folder, so a restart keeps counting), bytes counted while they arrive, names the daemon chooses, an existing
/// file never replaced, the MIME type sniffed from the bytes, folders 0755 and files 0644 (the container's user reads
/// them read-only). Every path goes through <see cref="SafeDirectory"/>. Never throws for a failed download: the
/// attachment then carries the reason.
/// </summary>
public sealed class InboundMediaStore(InboundMediaSettings settings, TimeProvider clock)
{
    private const UnixFileMode DirectoryMode = (UnixFileMode)0b111_101_101; // 0755
    private const UnixFileMode FileMode = (UnixFileMode)0b110_100_100; // 0644
    private readonly Lock gate = new();
    private readonly Dictionary<string, (DateTime Day, long Bytes)> usage = new(StringComparer.Ordinal);

    /// <summary>The settings in force.</summary>
    public InboundMediaSettings Settings => settings;

    /// <summary>The group folder of a registered chat whose media may be downloaded; none for any other chat.</summary>
    public Option<string> FolderOf(string jid)
    {
        var groups = settings.Groups();
        return groups.TryGetValue(jid, out var folder) && GroupFolder.IsValid(folder) ? Some(folder) : None;
    }

    /// <summary>The host folder a group's media is in (for the transcriber).</summary>
    public string DirectoryOf(string folder) => Path.Combine(settings.Dir, folder);

    /// <summary>
    /// Downloads one file of <paramref name="media"/> into the group's folder: <paramref name="download"/> writes the
    /// bytes into the stream it is given (which refuses more than the limit). <paramref name="scrub"/> removes secrets
    /// from an error's text before it becomes the attachment's reason.
    /// </summary>
    public async Task<Attachment> SaveAsync(string folder, IncomingMedia media, Func<Stream, CancellationToken, Task> download,
        Func<string, string> scrub, CancellationToken cancellationToken)
    {
        Attachment NotDownloaded(string reason, long size = -1) => InboundMediaStore.NotDownloaded(media, reason, size);

        if (!GroupFolder.IsValid(folder)) return NotDownloaded(InboundMedia.NotRegistered);
        try
        {
            using var root = SafeDirectory.OpenOrCreate(settings.Dir, DirectoryMode);
            using var target = root.OpenOrCreateChild(folder, DirectoryMode);
            var used = UsageOf(folder, target);
            if (InboundMedia.Judge(media.DeclaredSize, used, settings.MaxFileBytes, settings.MaxBytesPerGroupPerDay).Case is string refused)
                return NotDownloaded(refused);
            var limit = InboundMedia.DownloadLimit(used, settings.MaxFileBytes, settings.MaxBytesPerGroupPerDay);
            using var buffer = new LimitedBuffer(limit);
            try
            {
                await download(buffer, cancellationToken);
            }
            catch (Exception) when (buffer.Overflowed)
            {
                // Reported below.
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                return NotDownloaded(InboundMedia.DownloadFailed(scrub(e.Message)));
            }
            if (buffer.Overflowed) return NotDownloaded(InboundMedia.OverLimitReason(buffer.Received, settings.MaxFileBytes), buffer.Received);
            var bytes = buffer.ToArray();
            var mime = MimeSniffer.Sniff(bytes);
            var name = Place(target, InboundMedia.StoredName(media.MessageId, mime, media.OriginalName), bytes);
            lock (gate)
                if (usage.TryGetValue(folder, out var u)) usage[folder] = (u.Day, u.Bytes + bytes.Length);
            return new Attachment(AttachmentKinds.Normalise(media.Kind), mime, bytes.Length, Some(name), None,
                Optional(media.Caption).Filter(c => c.Length > 0), Optional(media.OriginalName).Filter(n => n.Length > 0), None);
        }
        catch (IOException e)
        {
            return NotDownloaded(InboundMedia.DownloadFailed(scrub(e.Message)));
        }
    }

    /// <summary>The attachment of a file that was not downloaded, with the reason (the prompt shows "not downloaded: …").</summary>
    public static Attachment NotDownloaded(IncomingMedia media, string reason, long size = -1) => new(AttachmentKinds.Normalise(media.Kind),
        string.IsNullOrWhiteSpace(media.DeclaredMime) ? MimeSniffer.Binary : media.DeclaredMime!,
        size >= 0 ? size : media.DeclaredSize, None, Some(reason), Optional(media.Caption).Filter(c => c.Length > 0),
        Optional(media.OriginalName).Filter(n => n.Length > 0), None);

    // An existing file is never replaced: a message id may come back (an edit, a reused id).
    private static string Place(SafeDirectory target, string name, byte[] bytes)
    {
        for (var n = 0; n < 100; n++)
        {
            var candidate = InboundMedia.Alternative(name, n);
            if (target.Kind(candidate) != EntryKind.Missing) continue;
            try
            {
                target.CreateFile(candidate, bytes, FileMode);
                return candidate;
            }
            catch (SafeFsException e) when (e.Errno == Errno.EEXIST)
            {
                // Taken meanwhile: the next name.
            }
        }
        throw new IOException("too many files with this message id");
    }

    // Today's bytes: counted from the folder's files once a day (so a restart keeps counting), then in memory.
    private long UsageOf(string folder, SafeDirectory target)
    {
        var now = clock.GetUtcNow();
        lock (gate)
            if (usage.TryGetValue(folder, out var known) && known.Day == now.UtcDateTime.Date) return known.Bytes;
        long bytes = 0;
        foreach (var name in target.List())
            if (target.Stat(name) is { Kind: EntryKind.File } st && InboundMedia.CountsToday(st.Modified, now)) bytes += st.Size;
        lock (gate) usage[folder] = (now.UtcDateTime.Date, bytes);
        return bytes;
    }

    /// <summary>An in-memory stream that refuses to hold more than its limit (counting every byte offered).</summary>
    private sealed class LimitedBuffer(long limit) : MemoryStream
    {
        public bool Overflowed { get; private set; }
        public long Received { get; private set; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Received += buffer.Length;
            if (Received > limit)
            {
                Overflowed = true;
                throw new IOException("the download passed its limit");
            }
            // MemoryStream's span overload of a subclass goes back through Write(byte[]…): call the array one directly.
            var copy = buffer.ToArray();
            base.Write(copy, 0, copy.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void WriteByte(byte value) => Write([value]);
    }
}
