using LanguageExt;
using NanoClaw.Core.Media;

namespace NanoClaw.Core.Channels;

/// <summary>A channel that can send files as well as text (WhatsApp). Channels without it refuse <c>send_file</c>.</summary>
public interface IFileChannel
{
    /// <summary>
    /// Queues a file durably. The channel owns <paramref name="file"/>'s copy from now on and deletes it once sent.
    /// </summary>
    Task SendFileAsync(string jid, OutgoingFile file, CancellationToken cancellationToken);
}

/// <summary>A file ready to send: a host-owned copy nobody else can change.</summary>
/// <param name="HostPath">Absolute path of the copy.</param>
/// <param name="Mime">MIME type sniffed from the bytes (<see cref="MimeSniffer"/>).</param>
/// <param name="Kind">How to show it.</param>
/// <param name="FileName">Name shown with a document.</param>
/// <param name="Caption">Final caption text (already prefixed by the outbound rules), if any.</param>
public sealed record OutgoingFile(string HostPath, string Mime, MediaKind Kind, string FileName, Option<string> Caption);
