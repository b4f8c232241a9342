namespace NanoClaw.Latency;

/// <summary>Nearest-rank percentiles of one path's samples.</summary>
internal sealed record PathStats(string Key, string Title, int Count, double P50, double P90, double P99, double Max, double Mean, double TargetP99)
{
    public bool Met => P99 < TargetP99;

    public static PathStats Of(string key, string title, IReadOnlyCollection<double> samples, double targetP99)
    {
        var sorted = samples.OrderBy(x => x).ToArray();
        double Rank(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new PathStats(key, title, sorted.Length, Rank(0.50), Rank(0.90), Rank(0.99), sorted.Length == 0 ? double.NaN : sorted[^1],
            sorted.Length == 0 ? double.NaN : sorted.Average(), targetP99);
    }
}
