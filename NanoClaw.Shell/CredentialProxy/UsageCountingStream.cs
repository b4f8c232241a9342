namespace NanoClaw.Shell.CredentialProxy;

/// <summary>
/// Wraps the response body the proxy writes to the container: every chunk goes on at once, unchanged, and is also
/// shown to a <see cref="ResponseUsageReader"/> chosen on the first write (when the upstream's headers are known).
/// Nothing is held back, so server-sent events still arrive as produced.
/// </summary>
internal sealed class UsageCountingStream(Stream inner, Func<ResponseUsageReader?> readerForResponse) : Stream
{
    private ResponseUsageReader? reader;
    private bool chosen;

    /// <summary>The reader (null when the response is not counted, or nothing was written).</summary>
    public ResponseUsageReader? Reader => reader;

    private void See(ReadOnlySpan<byte> chunk)
    {
        if (!chosen)
        {
            chosen = true;
            reader = readerForResponse();
        }
        reader?.Feed(chunk);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        See(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        See(buffer);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        See(buffer.AsSpan(offset, count));
        return inner.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        See(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
