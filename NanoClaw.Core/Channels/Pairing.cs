using System.Security.Cryptography;
using System.Text;
using LanguageExt;

namespace NanoClaw.Core.Channels;

/// <summary>A one-time pairing code waiting to be sent from a private chat: only its hash is kept.</summary>
/// <param name="CodeSha256">SHA-256 of the normalised code (see <see cref="Pairing.Normalize"/>), lower-case hex.</param>
/// <param name="ExpiresAt">After this instant the code pairs nothing.</param>
public sealed record PendingPairing(string CodeSha256, DateTimeOffset ExpiresAt);

/// <summary>An inbound message from a chat that is not registered, as the pairing rule sees it.</summary>
/// <param name="ChatJid">The chat the message came from.</param>
/// <param name="Text">The message text (hostile: anything).</param>
/// <param name="IsPrivateChat">True for a one-to-one chat with the assistant (never a group).</param>
/// <param name="IsRegistered">True when the chat is already a registered group.</param>
/// <param name="FromAssistant">True when the assistant's own account or the bot wrote it.</param>
public sealed record PairingAttempt(string ChatJid, string Text, bool IsPrivateChat, bool IsRegistered, bool FromAssistant);

/// <summary>What the shell does with a message offered to the pairing rule.</summary>
public enum PairingOutcome
{
    /// <summary>Not a pairing: the message goes on as any other.</summary>
    Ignore,

    /// <summary>The stored code has expired: forget it; the message goes on as any other.</summary>
    Expired,

    /// <summary>The code matched and there is no main group: register the chat as main and forget the code.</summary>
    RegisterAsMain,

    /// <summary>The code matched but a main group exists: register nothing and forget the code (single use).</summary>
    ConsumeOnly,
}

/// <summary>
/// Pairing a chat by a one-time code (<c>nanoclaw auth telegram</c> prints it): the first private chat that sends the
/// code becomes the main group when there is none, and is registered nowhere otherwise; either way the code is used up.
/// Pure: the clock reading and the random bytes come in as arguments.
/// </summary>
public static class Pairing
{
    /// <summary>How long a code stays valid after it is issued.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>Characters of a code: no 0/O or 1/I look-alikes; 32 of them, so one random byte's low 5 bits pick one without bias.</summary>
    public const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>Characters in a code (40 bits of entropy).</summary>
    public const int CodeLength = 8;

    private const int MaxTextChars = 64;

    /// <summary>A code from <paramref name="random"/> (at least <see cref="CodeLength"/> bytes), shown as <c>ABCD-EFGH</c>.</summary>
    public static string NewCode(ReadOnlySpan<byte> random)
    {
        if (random.Length < CodeLength) throw new ArgumentException($"need {CodeLength} random bytes", nameof(random));
        var chars = new char[CodeLength];
        for (var i = 0; i < CodeLength; i++) chars[i] = Alphabet[random[i] & 31];
        return new string(chars, 0, 4) + "-" + new string(chars, 4, 4);
    }

    /// <summary>The code as typed, reduced to what is compared: a leading <c>/start</c> (Telegram), spaces and dashes dropped, upper case.</summary>
    public static string Normalize(string text)
    {
        var t = text.Trim();
        if (t.StartsWith("/start", StringComparison.OrdinalIgnoreCase)) t = t[6..];
        var sb = new StringBuilder(t.Length);
        foreach (var c in t)
            if (!char.IsWhiteSpace(c) && c != '-') sb.Append(char.ToUpperInvariant(c));
        return sb.ToString();
    }

    /// <summary>Lower-case hex SHA-256 of the normalised code: what is stored instead of the code.</summary>
    public static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(code))));

    /// <summary>The pending pairing a code issued at <paramref name="now"/> makes.</summary>
    public static PendingPairing Issue(string code, DateTimeOffset now) => new(Hash(code), now + Lifetime);

    /// <summary>Decides what a message from an unregistered chat does to the pending pairing, if any.</summary>
    /// <param name="pending">The stored pairing, if a code is waiting.</param>
    /// <param name="mainExists">True when a main group is registered.</param>
    /// <param name="attempt">The message.</param>
    /// <param name="now">The current time.</param>
    public static PairingOutcome Decide(Option<PendingPairing> pending, bool mainExists, PairingAttempt attempt, DateTimeOffset now)
    {
        if (pending.Case is not PendingPairing code) return PairingOutcome.Ignore;
        if (now >= code.ExpiresAt) return PairingOutcome.Expired;
        if (!attempt.IsPrivateChat || attempt.IsRegistered || attempt.FromAssistant) return PairingOutcome.Ignore;
        if (attempt.Text.Length > MaxTextChars || !Matches(code.CodeSha256, attempt.Text)) return PairingOutcome.Ignore;
        return mainExists ? PairingOutcome.ConsumeOnly : PairingOutcome.RegisterAsMain;
    }

    /// <summary>Compares hashes in constant time, so response timing says nothing about how much of a guess was right.</summary>
    private static bool Matches(string storedHex, string text)
    {
        byte[] stored;
        try
        {
            stored = Convert.FromHexString(storedHex);
        }
        catch (FormatException)
        {
            return false;
        }
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(text)));
        return stored.Length == given.Length && CryptographicOperations.FixedTimeEquals(stored, given);
    }
}
