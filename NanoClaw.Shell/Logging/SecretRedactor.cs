using System.Collections.Immutable;

namespace NanoClaw.Shell.Logging;

/// <summary>
/// Replaces every known secret value in text with <c>***</c>. Secrets can be added at any time (for example
/// values passed to a container's environment) and apply to everything redacted afterwards. Thread-safe.
/// Used by the log pipeline and by anything else that writes text out (container logs, error messages).
/// </summary>
public sealed class SecretRedactor
{
    public const string Mask = "***";

    // Longest first, so a secret that contains another is masked whole.
    private ImmutableArray<string> secrets = [];

    public SecretRedactor(IEnumerable<string>? secrets = null)
    {
        if (secrets is not null) foreach (var s in secrets) Add(s);
    }

    /// <summary>Starts redacting <paramref name="secret"/> (empty values are ignored).</summary>
    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret)) return;
        ImmutableInterlocked.Update(ref secrets, current => current.Contains(secret)
            ? current
            : [.. current.Add(secret).OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal)]);
    }

    public bool IsEmpty => secrets.IsEmpty;

    /// <summary>The text with every secret replaced by <c>***</c>.</summary>
    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var result = text;
        foreach (var secret in secrets)
            if (result.Contains(secret, StringComparison.Ordinal))
                result = result.Replace(secret, Mask, StringComparison.Ordinal);
        return result;
    }
}
