using LanguageExt;

namespace NanoClaw.Core.Domain;

/// <summary>Metadata of a chat the channel has seen (the <c>chats</c> table).</summary>
/// <param name="Jid">Chat id.</param>
/// <param name="Name">Display name.</param>
/// <param name="LastMessageTime">ISO timestamp of the newest message seen.</param>
/// <param name="Channel">Name of the owning channel (e.g. <c>whatsapp</c>), when known.</param>
/// <param name="IsGroup">True for group chats.</param>
public sealed record Chat(string Jid, string Name, string LastMessageTime, Option<string> Channel, bool IsGroup);
