namespace NanoClaw.Shell.WhatsApp;

/// <summary>Delays of the WhatsApp channel; tests shorten them.</summary>
/// <param name="BackoffMin">First wait before restarting the sidecar or reconnecting.</param>
/// <param name="BackoffMax">Longest wait; the delay doubles up to this.</param>
/// <param name="SendTimeout">How long a send may wait for the sidecar's confirmation before it counts as failed.</param>
/// <param name="RetryDelay">Wait before retrying a chat whose send failed while connected.</param>
/// <param name="GroupSyncInterval">Group names are refreshed at most this often unless forced.</param>
/// <param name="StopGrace">How long a stopping sidecar may take before it is killed.</param>
public sealed record WhatsAppTiming(
    TimeSpan BackoffMin,
    TimeSpan BackoffMax,
    TimeSpan SendTimeout,
    TimeSpan RetryDelay,
    TimeSpan GroupSyncInterval,
    TimeSpan StopGrace)
{
    public static WhatsAppTiming Default { get; } = new(
        TimeSpan.FromSeconds(1),
        TimeSpan.FromMinutes(1),
        TimeSpan.FromSeconds(90),
        TimeSpan.FromSeconds(10),
        TimeSpan.FromHours(24),
        TimeSpan.FromSeconds(5));

    /// <summary>Exponential backoff: min, 2·min, 4·min … capped at max. Attempt 0 waits min.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt, 0, 30));
        var ticks = Math.Min(BackoffMin.Ticks * factor, BackoffMax.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
