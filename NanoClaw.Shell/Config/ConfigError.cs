namespace NanoClaw.Shell.Config;

/// <summary>Why the settings cannot be used: one line naming the file (or variable), the key and what was expected.</summary>
public sealed record ConfigError(string Message)
{
    public override string ToString() => Message;
}
