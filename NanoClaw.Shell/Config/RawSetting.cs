namespace NanoClaw.Shell.Config;

/// <summary>
/// One setting as written, before typing: its dotted key, its text (null for an empty YAML value), where it
/// came from (<c>config.yml</c> or <c>environment variable NANOCLAW_…</c>), and, when it was a YAML list or
/// mapping instead of a single value, which.
/// </summary>
public sealed record RawSetting(string Key, string? Text, string Origin, string? NonScalarKind = null);
