using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace NanoClaw.Shell.CredentialProxy;

/// <summary>
/// The live runs by token, for the TCP transport, where a connection says nothing about its run. Keyed by the
/// SHA-256 of the token, so the lookup's timing depends on a hash the caller cannot steer, not on how much of a real
/// token it guessed; the match is then confirmed in constant time by <see cref="ProxyRequestRules.Decide"/>. A run is
/// removed when its lease is released, so an ended run's token is unknown (401).
/// </summary>
internal sealed class RunTokens
{
    private readonly ConcurrentDictionary<string, ProxyRun> runs = new(StringComparer.Ordinal);

    public void Add(ProxyRun run) => runs[Key(run.Token)] = run;

    public void Remove(ProxyRun run) => runs.TryRemove(new KeyValuePair<string, ProxyRun>(Key(run.Token), run));

    /// <summary>The live run one of <paramref name="offered"/> belongs to, if any.</summary>
    public ProxyRun? Find(IEnumerable<string> offered)
    {
        foreach (var token in offered)
            if (runs.TryGetValue(Key(token), out var run) && !run.Ended) return run;
        return null;
    }

    public int Count => runs.Count;

    private static string Key(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
