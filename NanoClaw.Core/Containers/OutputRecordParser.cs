using System.Text;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Containers;

/// <summary>Something the output parser found on a container's stdout.</summary>
public abstract record ParsedOutput
{
    private protected ParsedOutput() { }
}

/// <summary>A complete, valid output record.</summary>
/// <param name="Output">The decoded record.</param>
public sealed record ParsedRecord(ContainerOutput Output) : ParsedOutput;

/// <summary>A stdout line outside any record: log text (without its line ending).</summary>
/// <param name="Text">The line.</param>
public sealed record ParsedLogLine(string Text) : ParsedOutput;

/// <summary>A record that could not be used: bad JSON, a missing end marker, or too large.</summary>
/// <param name="Reason">Why it was dropped.</param>
/// <param name="Raw">The record's text as received (possibly cut short).</param>
public sealed record ParsedRecordError(string Reason, string Raw) : ParsedOutput;

/// <summary>
/// The parser's state between chunks. Immutable: <see cref="OutputRecordParser.Feed(OutputParserState, ReadOnlySpan{byte})"/>
/// returns a new state and never changes the old one, so a state can be replayed or shared.
/// </summary>
public sealed record OutputParserState
{
    internal OutputParserState(ReadOnlyMemory<byte> pendingLine, bool inRecord, ReadOnlyMemory<byte> recordBody, bool recordOverflow, OutputParserLimits limits)
    {
        PendingLine = pendingLine;
        InRecord = inRecord;
        RecordBody = recordBody;
        RecordOverflow = recordOverflow;
        Limits = limits;
    }

    /// <summary>Bytes of the current line not yet ended by a newline (never mutated once stored).</summary>
    internal ReadOnlyMemory<byte> PendingLine { get; }

    /// <summary>True between a start marker and its end marker.</summary>
    public bool InRecord { get; }

    /// <summary>Lines of the open record so far, newline-joined (never mutated once stored).</summary>
    internal ReadOnlyMemory<byte> RecordBody { get; }

    /// <summary>The open record outgrew <see cref="OutputParserLimits.MaxRecordBytes"/> and will be dropped at its end marker.</summary>
    internal bool RecordOverflow { get; }

    /// <summary>The size limits in force.</summary>
    public OutputParserLimits Limits { get; }

    /// <summary>Bytes held back waiting for more input (the unfinished line and the open record).</summary>
    public int BufferedBytes => PendingLine.Length + RecordBody.Length;
}

/// <summary>Size limits that keep a misbehaving container from growing the parser's buffers without bound.</summary>
/// <param name="MaxLineBytes">A log line longer than this is emitted in pieces of this size.</param>
/// <param name="MaxRecordBytes">A record body larger than this is dropped with a <see cref="ParsedRecordError"/>.</param>
public sealed record OutputParserLimits(int MaxLineBytes, int MaxRecordBytes)
{
    /// <summary>16 MiB lines (a record's JSON is one line), 16 MiB records.</summary>
    public static OutputParserLimits Default { get; } = new(16 << 20, 16 << 20);
}

/// <summary>One step of the parser: the next state and what the chunk completed.</summary>
/// <param name="State">State to feed the next chunk into.</param>
/// <param name="Items">Records, log lines and record errors completed by the chunk, in stream order.</param>
public readonly record struct ParseStep(OutputParserState State, Seq<ParsedOutput> Items);

/// <summary>
/// Incremental parser for a container's stdout (SPEC §7): records are a line
/// <c>---NANOCLAW_OUTPUT_START---</c>, the JSON, a line <c>---NANOCLAW_OUTPUT_END---</c>; every other line is log.
/// Works on bytes so a chunk may end anywhere, inside a UTF-8 sequence or a marker: text is only decoded once
/// its line is complete, so every way of cutting the same stream yields the same items.
/// </summary>
/// <remarks>
/// Markers are recognised as whole lines (surrounding whitespace and a trailing <c>\r</c> ignored), as the agent
/// runner prints them; marker text inside a log line is just log. A start marker inside an open record abandons
/// that record with an error and opens a new one. A record may span several lines (pretty-printed JSON).
/// </remarks>
public static class OutputRecordParser
{
    private static readonly byte[] StartMarker = Encoding.UTF8.GetBytes(OutputMarkers.Start);
    private static readonly byte[] EndMarker = Encoding.UTF8.GetBytes(OutputMarkers.End);

    /// <summary>The state before any byte, with default limits.</summary>
    public static OutputParserState Initial { get; } = Start(OutputParserLimits.Default);

    /// <summary>The state before any byte, with the given limits.</summary>
    public static OutputParserState Start(OutputParserLimits limits) =>
        new(ReadOnlyMemory<byte>.Empty, false, ReadOnlyMemory<byte>.Empty, false, limits);

    /// <summary>Feeds one chunk of raw stdout bytes.</summary>
    public static ParseStep Feed(OutputParserState state, ReadOnlySpan<byte> chunk)
    {
        var items = new List<ParsedOutput>();
        var cursor = new Cursor(state);
        var rest = chunk;
        while (true)
        {
            var nl = rest.IndexOf((byte)'\n');
            if (nl < 0) break;
            var line = rest[..nl];
            rest = rest[(nl + 1)..];
            if (cursor.Pending.Length == 0)
            {
                cursor.CompleteLine(line, items);
            }
            else
            {
                var joined = Concat(cursor.Pending.Span, line);
                cursor.Pending = ReadOnlyMemory<byte>.Empty;
                cursor.CompleteLine(joined.Span, items);
            }
        }
        if (!rest.IsEmpty) cursor.Pending = Concat(cursor.Pending.Span, rest);
        cursor.SplitLongPending(items);
        return new ParseStep(cursor.ToState(state.Limits), items.Count == 0 ? Seq<ParsedOutput>() : toSeq(items));
    }

    /// <summary>Feeds text (encoded as UTF-8). Chunks should not split a surrogate pair; prefer the byte overload for raw streams.</summary>
    public static ParseStep Feed(OutputParserState state, string text) => Feed(state, Encoding.UTF8.GetBytes(text));

    /// <summary>Ends the stream: an unfinished last line becomes a log line, an open record an error.</summary>
    public static Seq<ParsedOutput> Finish(OutputParserState state)
    {
        var items = new List<ParsedOutput>();
        var cursor = new Cursor(state);
        if (cursor.Pending.Length > 0)
        {
            var last = cursor.Pending.ToArray();
            cursor.Pending = ReadOnlyMemory<byte>.Empty;
            cursor.CompleteLine(last, items);
        }
        if (cursor.InRecord)
            items.Add(new ParsedRecordError("stream ended inside a record (no end marker)", Decode(cursor.Body.Span)));
        return toSeq(items);
    }

    /// <summary>Parses a whole stream at once (convenience for tests and logs).</summary>
    public static Seq<ParsedOutput> ParseAll(ReadOnlySpan<byte> stream)
    {
        var step = Feed(Initial, stream);
        return step.Items + Finish(step.State);
    }

    private static ReadOnlyMemory<byte> Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var joined = new byte[a.Length + b.Length];
        a.CopyTo(joined);
        b.CopyTo(joined.AsSpan(a.Length));
        return joined;
    }

    private static string Decode(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static ReadOnlySpan<byte> TrimLine(ReadOnlySpan<byte> line)
    {
        // Whitespace here is ASCII only, so trimming bytes never cuts a UTF-8 sequence.
        var start = 0;
        var end = line.Length;
        while (start < end && IsSpace(line[start])) start++;
        while (end > start && IsSpace(line[end - 1])) end--;
        return line[start..end];
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r';

    /// <summary>The working copy of a state during one call; turned back into an immutable state at the end.</summary>
    private ref struct Cursor
    {
        public ReadOnlyMemory<byte> Pending;
        public bool InRecord;
        public ReadOnlyMemory<byte> Body;
        public bool Overflow;
        private readonly int maxLine;
        private readonly int maxRecord;

        public Cursor(OutputParserState s)
        {
            Pending = s.PendingLine;
            InRecord = s.InRecord;
            Body = s.RecordBody;
            Overflow = s.RecordOverflow;
            maxLine = s.Limits.MaxLineBytes;
            maxRecord = s.Limits.MaxRecordBytes;
        }

        public readonly OutputParserState ToState(OutputParserLimits limits) => new(Pending, InRecord, Body, Overflow, limits);

        public void Line(ReadOnlySpan<byte> raw, List<ParsedOutput> items)
        {
            var trimmed = TrimLine(raw);
            if (trimmed.SequenceEqual(StartMarker))
            {
                if (InRecord) items.Add(new ParsedRecordError("start marker before the previous record's end marker", Decode(Body.Span)));
                InRecord = true;
                Body = ReadOnlyMemory<byte>.Empty;
                Overflow = false;
                return;
            }
            if (!InRecord)
            {
                var text = raw.Length > 0 && raw[^1] == (byte)'\r' ? raw[..^1] : raw;
                items.Add(new ParsedLogLine(Decode(text)));
                return;
            }
            if (trimmed.SequenceEqual(EndMarker))
            {
                var body = Body;
                items.Add(Overflow
                    ? new ParsedRecordError($"record larger than {maxRecord} bytes", Decode(body.Span))
                    : ContainerJson.ParseOutput(body).Match<ParsedOutput>(
                        Right: r => new ParsedRecord(r),
                        Left: e => new ParsedRecordError(e, Decode(body.Span))));
                InRecord = false;
                Body = ReadOnlyMemory<byte>.Empty;
                Overflow = false;
                return;
            }
            if (Overflow) return;
            if (Body.Length + raw.Length + 1 > maxRecord)
            {
                Overflow = true;
                return;
            }
            if (Body.Length == 0)
            {
                Body = raw.ToArray();
            }
            else
            {
                var joined = new byte[Body.Length + 1 + raw.Length];
                Body.Span.CopyTo(joined);
                joined[Body.Length] = (byte)'\n';
                raw.CopyTo(joined.AsSpan(Body.Length + 1));
                Body = joined;
            }
        }

        /// <summary>A line ended by a newline (or by the end of the stream).</summary>
        public void CompleteLine(ReadOnlySpan<byte> raw, List<ParsedOutput> items)
        {
            while (raw.Length > maxLine)
            {
                Piece(raw[..maxLine], items);
                raw = raw[maxLine..];
            }
            Line(raw, items);
        }

        /// <summary>
        /// Emits a runaway unterminated line in pieces of <c>MaxLineBytes</c>. Cut points are counted from the line's
        /// start, as in <see cref="CompleteLine"/>, so the result never depends on how the stream was chunked.
        /// </summary>
        public void SplitLongPending(List<ParsedOutput> items)
        {
            if (Pending.Length <= maxLine) return;
            var rest = Pending.Span;
            while (rest.Length > maxLine)
            {
                Piece(rest[..maxLine], items);
                rest = rest[maxLine..];
            }
            Pending = rest.ToArray();
        }

        private void Piece(ReadOnlySpan<byte> piece, List<ParsedOutput> items)
        {
            // Outside a record a piece is log; inside, a line this long dooms the record.
            if (InRecord) Overflow = true;
            else items.Add(new ParsedLogLine(Decode(piece)));
        }
    }
}
