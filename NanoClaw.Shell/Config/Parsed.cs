namespace NanoClaw.Shell.Config;

/// <summary>
/// A value read from the settings, or why it cannot be used. The config path uses this instead of LanguageExt's
/// <c>Either</c>: LanguageExt.Core is not precompiled (ReadyToRun), and its generic instantiations were ~340 methods
/// JIT-compiled at every CLI start (issue 16); this type lives in this assembly, so its instantiations are precompiled.
/// </summary>
public readonly struct Parsed<T>
{
    private Parsed(T value, ConfigError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value; meaningful only when <see cref="Error"/> is null.</summary>
    public T Value { get; }

    public ConfigError? Error { get; }

    public static implicit operator Parsed<T>(T value) => new(value, null);

    public static implicit operator Parsed<T>(ConfigError error) => new(default!, error);

    public Parsed<TResult> Map<TResult>(Func<T, TResult> map) => Error is null ? map(Value) : Error;

    public Parsed<TResult> Bind<TResult>(Func<T, Parsed<TResult>> bind) => Error is null ? bind(Value) : Error;
}
