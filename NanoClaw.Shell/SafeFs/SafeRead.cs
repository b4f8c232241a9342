namespace NanoClaw.Shell.SafeFs;

/// <summary>The outcome of <see cref="SafeDirectory.ReadFile"/>: the bytes of a regular one-link file, or why not.</summary>
public abstract record SafeRead
{
    private SafeRead() { }

    /// <summary>The whole file, at most the limit.</summary>
    public sealed record Ok(byte[] Bytes) : SafeRead;

    /// <summary>
    /// Not read (or read only up to limit+1 bytes and then dropped). <paramref name="Reason"/> is precise and fit for a
    /// log or a <c>.reason.txt</c> ("is a FIFO", "has 2 hard links", ...). <see cref="Missing"/> is true when nothing
    /// is there any more (someone else removed it): callers usually just skip such a name.
    /// </summary>
    public sealed record Refused(string Reason, bool Missing = false) : SafeRead;
}
