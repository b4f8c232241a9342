namespace NanoClaw.Latency;

/// <summary>
/// Wall-clock milliseconds since the Unix epoch with a sub-millisecond fraction: the same clock (CLOCK_REALTIME)
/// the fake runtime stamps its log with, so times taken here and there can be subtracted.
/// </summary>
internal static class Clock
{
    public static double NowMs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerMillisecond;

    public static double ToMs(DateTimeOffset at) => (at.UtcTicks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerMillisecond;
}
