using Mono.Unix.Native;

namespace NanoClaw.Shell.SafeFs;

/// <summary>A SafeFs operation failed; <see cref="Errno"/> is the POSIX error when a call failed.</summary>
public sealed class SafeFsException : IOException
{
    public SafeFsException(string message, Errno? errno = null) : base(message) => Errno = errno;

    public Errno? Errno { get; }
}
