using LanguageExt;

namespace NanoClaw.Shell.Store;

/// <summary>A pending outbound message in the durable outbox.</summary>
/// <param name="Id">Outbox id; sending in id order keeps a chat's replies in order.</param>
/// <param name="ChatJid">Destination chat.</param>
/// <param name="Text">Text to send (already prefixed/stripped by the core).</param>
/// <param name="CreatedAt">ISO UTC time it was queued.</param>
/// <param name="Attempts">Failed attempts so far.</param>
/// <param name="LastError">Reason of the last failure.</param>
public sealed record OutboxEntry(long Id, string ChatJid, string Text, string CreatedAt, int Attempts, Option<string> LastError)
{
    /// <summary>The file to send with <see cref="Text"/> as its caption, for a <c>send_file</c> entry.</summary>
    public Option<OutboxFile> File { get; init; }
}

/// <summary>A queued file: the host-owned copy and how to send it.</summary>
/// <param name="Path">Absolute path of the copy under <c>data/outbox-files/</c>.</param>
/// <param name="Mime">MIME type sniffed from the bytes.</param>
/// <param name="Kind">image, video, audio or document.</param>
/// <param name="Name">File name shown with a document (the agent's, sanitised).</param>
public sealed record OutboxFile(string Path, string Mime, string Kind, string Name);
