namespace NanoClaw.Core.Queue;

/// <summary>Backoff for failed message runs (SPEC §6): 5, 10, 20, 40, 80 seconds, then give up.</summary>
public static class RetryBackoff
{
    /// <summary>How many retries follow a failed run before the messages wait for the next inbound message.</summary>
    public const int MaxRetries = 5;

    /// <summary>Delay before the first retry; each further retry doubles it.</summary>
    public static TimeSpan BaseDelay { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Delay before retry number <paramref name="attempt"/> (1-based; clamped to 1..<see cref="MaxRetries"/>).</summary>
    public static TimeSpan DelayFor(int attempt) =>
        BaseDelay * (1 << (Math.Clamp(attempt, 1, MaxRetries) - 1));
}
