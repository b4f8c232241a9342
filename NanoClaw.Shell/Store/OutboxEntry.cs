using LanguageExt;

namespace NanoClaw.Shell.Store;

/// <summary>A pending outbound message in the durable outbox.</summary>
/// <param name="Id">Outbox id; sending in id order keeps a chat's replies in order.</param>
/// <param name="ChatJid">Destination chat.</param>
/// <param name="Text">Text to send (already prefixed/stripped by the core).</param>
/// <param name="CreatedAt">ISO UTC time it was queued.</param>
/// <param name="Attempts">Failed attempts so far.</param>
/// <param name="LastError">Reason of the last failure.</param>
public sealed record OutboxEntry(long Id, string ChatJid, string Text, string CreatedAt, int Attempts, Option<string> LastError);
