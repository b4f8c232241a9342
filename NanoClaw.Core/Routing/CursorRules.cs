namespace NanoClaw.Core.Routing;

/// <summary>How the per-chat agent cursor (<c>last_agent_timestamp</c>) moves after an agent run.</summary>
public static class CursorRules
{
    /// <summary>
    /// The cursor to keep after a run over a batch whose newest message is <paramref name="batchLastTimestamp"/>.
    /// A failed run that sent nothing rolls back to <paramref name="previousCursor"/>, so a retry re-sends the batch;
    /// otherwise the cursor stays advanced (after partial output a retry would duplicate replies).
    /// </summary>
    public static string AfterAgentRun(string previousCursor, string batchLastTimestamp, bool succeeded, bool outputSent) =>
        !succeeded && !outputSent ? previousCursor : batchLastTimestamp;

    /// <summary>
    /// A chat's agent cursor when the store has none for it (a reset, a lost <c>router_state</c> entry): the timestamp of
    /// the assistant's last reply in that chat, so the next batch starts after it and old conversation is not answered
    /// again (NanoClaw's recovery); none when the assistant never wrote there.
    /// </summary>
    /// <param name="stored">The stored cursor, if any.</param>
    /// <param name="lastAssistantReply">Timestamp of the assistant's newest message in the chat, if any.</param>
    public static LanguageExt.Option<string> Recover(LanguageExt.Option<string> stored, LanguageExt.Option<string> lastAssistantReply) =>
        stored.IsSome ? stored : lastAssistantReply;

    /// <summary>The later of two ISO timestamps (ordinal comparison, as the store compares them).</summary>
    public static string Max(string a, string b) => string.CompareOrdinal(a, b) >= 0 ? a : b;
}
