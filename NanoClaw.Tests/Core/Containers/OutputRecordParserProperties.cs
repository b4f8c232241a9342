using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Core.Containers;

namespace NanoClaw.Tests.Core.Containers;

[Trait("Category", "Property")]
public class OutputRecordParserProperties
{
    [Property(MaxTest = 300)]
    public Property Every_split_of_a_stream_yields_the_same_items_and_exactly_its_records() =>
        Prop.ForAll((
            from s in ContainerGen.Stream
            from cuts in ContainerGen.Cuts(s.Bytes.Length)
            select (s, cuts)).ToArbitrary(),
            x =>
            {
                var whole = OutputRecordParser.ParseAll(x.s.Bytes).ToList();
                var chunked = ContainerGen.FeedInChunks(x.s.Bytes, x.cuts);
                var records = chunked.OfType<ParsedRecord>().Select(r => r.Output).ToList();
                return chunked.SequenceEqual(whole)
                       && records.SequenceEqual(x.s.Records)
                       && chunked.OfType<ParsedLogLine>().Count() == x.s.LogLines
                       && !chunked.OfType<ParsedRecordError>().Any();
            });

    [Property(MaxTest = 300)]
    public Property Byte_at_a_time_equals_all_at_once_even_inside_multibyte_characters_and_markers() =>
        Prop.ForAll(ContainerGen.Stream.ToArbitrary(), s =>
        {
            var everyByte = Enumerable.Range(1, Math.Max(0, s.Bytes.Length - 1)).ToArray();
            return ContainerGen.FeedInChunks(s.Bytes, everyByte).SequenceEqual(OutputRecordParser.ParseAll(s.Bytes));
        });

    [Property(MaxTest = 300)]
    public Property Arbitrary_bytes_never_throw_and_the_split_never_matters_even_with_tiny_limits() =>
        Prop.ForAll((
            from bytes in Gen.ArrayOf(Gen.OneOf(
                Gen.Choose(0, 255).Select(i => (byte)i),
                Gen.Elements((byte)'\n', (byte)'-', (byte)'{', (byte)'}', (byte)'\r', (byte)0xE4, (byte)0xF0, (byte)0x80)))
            from marker in Gen.Elements("", OutputMarkers.Start + "\n", OutputMarkers.End + "\n")
            from maxLine in Gen.Choose(1, 40)
            from maxRecord in Gen.Choose(1, 80)
            let stream = System.Text.Encoding.UTF8.GetBytes(marker).Concat(bytes).ToArray()
            from cuts in ContainerGen.Cuts(stream.Length)
            select (stream, cuts, limits: new OutputParserLimits(maxLine, maxRecord))).ToArbitrary(),
            x =>
            {
                var start = OutputRecordParser.Start(x.limits);
                var a = ContainerGen.FeedInChunks(x.stream, x.cuts, start);
                var b = ContainerGen.FeedInChunks(x.stream, [], start);
                return a.SequenceEqual(b);
            });

    [Property(MaxTest = 200)]
    public Property Buffered_bytes_stay_within_the_limits() =>
        Prop.ForAll((
            from bytes in Gen.ArrayOf(Gen.Elements((byte)'x', (byte)'\n', (byte)'-'))
            from withStart in Gen.Elements(true, false)
            let stream = (withStart ? System.Text.Encoding.UTF8.GetBytes(OutputMarkers.Start + "\n") : []).Concat(bytes).ToArray()
            from cuts in ContainerGen.Cuts(stream.Length)
            select (stream, cuts)).ToArbitrary(),
            x =>
            {
                var limits = new OutputParserLimits(16, 32);
                var state = OutputRecordParser.Start(limits);
                var from = 0;
                foreach (var cut in x.cuts.Append(x.stream.Length))
                {
                    state = OutputRecordParser.Feed(state, x.stream.AsSpan(from, cut - from)).State;
                    from = cut;
                    if (state.BufferedBytes > limits.MaxLineBytes + limits.MaxRecordBytes) return false;
                }
                return true;
            });
}
