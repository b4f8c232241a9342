namespace NanoClaw.Tests.EndToEnd;

/// <summary>Waits for a condition on state the test cannot subscribe to (files, the store), checking it often.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<T?> probe, TimeSpan timeout, Func<string> describe) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {describe()}");
            await Task.Delay(100);
        }
    }

    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        await ValueAsync(() => condition() ? "" : null, timeout, describe);
}
