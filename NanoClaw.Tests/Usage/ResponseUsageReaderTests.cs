using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Core.Usage;
using NanoClaw.Shell.CredentialProxy;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.Usage;

/// <summary>
/// The proxy's reading of <c>usage</c> from Messages API answers (issue 19): SSE in any chunking and any line ending,
/// JSON bodies, and malformed data that is skipped, never thrown.
/// </summary>
[Trait("Category", "Dashboard")]
public sealed class ResponseUsageReaderTests
{
    private const string Sse = "text/event-stream; charset=utf-8";

    /// <summary>An answer as the fake API streams it (the real event sequence), with the given usage.</summary>
    private static byte[] Stream(FakeUsage usage, string text = "Hello there, a reply long enough for a few deltas.", string newline = "\n") =>
        Encoding.UTF8.GetBytes(string.Concat(SseEvents.For(ScriptedReply.Text(text), "msg_1", "claude-test", 10, usage)
            .Select(e => $"event: {e.Event}{newline}data: {e.Data.ToJsonString()}{newline}{newline}")));

    private static ApiTokens? Read(string? contentType, params byte[][] chunks)
    {
        var reader = ResponseUsageReader.For(contentType)!;
        foreach (var chunk in chunks) reader.Feed(chunk);
        return reader.Result();
    }

    private static ApiTokens Expected(FakeUsage u) => new(u.InputTokens, u.OutputTokens, u.CacheCreationInputTokens, u.CacheReadInputTokens);

    [Fact]
    public void A_stream_split_at_every_byte_boundary_gives_the_same_usage()
    {
        var usage = new FakeUsage(1234, 567, 89, 10);
        foreach (var newline in new[] { "\n", "\r\n", "\r" })
        {
            var body = Stream(usage, "héllo wörld ✓ — a reply with multi-byte text", newline);
            for (var i = 0; i <= body.Length; i++)
                Assert.Equal(Expected(usage), Read(Sse, body[..i], body[i..]));
        }
    }

    [Property(MaxTest = 200)]
    public Property Any_chunking_of_any_usage_gives_that_usage() =>
        Prop.ForAll(
            Gen.Choose(0, 2_000_000).Four().ToArbitrary(),
            Gen.ListOf(Gen.Choose(1, 64)).ToArbitrary(),
            Gen.Elements("\n", "\r\n", "\r").ToArbitrary(),
            (u, sizes, newline) =>
            {
                var usage = new FakeUsage(u.Item1, u.Item2, u.Item3, u.Item4);
                var body = Stream(usage, newline: newline);
                var reader = ResponseUsageReader.For(Sse)!;
                var at = 0;
                foreach (var size in sizes.Append(body.Length))
                {
                    var n = Math.Min(size, body.Length - at);
                    reader.Feed(body.AsSpan(at, n));
                    at += n;
                }
                return reader.Result() == Expected(usage);
            });

    [Property(MaxTest = 300)]
    public Property Random_bytes_before_a_stream_do_not_change_its_usage_and_never_throw(byte[] garbage)
    {
        var usage = new FakeUsage(7, 8, 9, 10);
        var reader = ResponseUsageReader.For(Sse)!;
        reader.Feed(garbage);
        reader.Feed("\n\n\n"u8);
        reader.Feed(Stream(usage));
        return (reader.Result() == Expected(usage)).Label("usage after garbage");
    }

    [Property(MaxTest = 300)]
    public Property Random_bytes_as_a_json_answer_count_nothing(byte[] garbage)
    {
        var reader = ResponseUsageReader.For("application/json")!;
        reader.Feed(garbage);
        return (reader.Result() is null).ToProperty();
    }

    [Fact]
    public void Message_delta_overrides_what_it_repeats_and_keeps_the_rest()
    {
        var body = """
            event: message_start
            data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":50,"cache_creation_input_tokens":7,"cache_read_input_tokens":3,"output_tokens":1}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":null},"usage":{"output_tokens":10}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":55,"output_tokens":42}}

            event: message_stop
            data: {"type":"message_stop"}

            """;
        Assert.Equal(new ApiTokens(55, 42, 7, 3), Read(Sse, Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Malformed_events_are_skipped_and_good_ones_still_count()
    {
        var body = """
            : a comment
            event: message_start
            data: {"type":"message_start","message":{"usage":{"input_tokens":"lots","cache_read_input_tokens":-5,"output_tokens":1e400}}}

            event: message_delta
            data: {"type":"message_delta","usage":{"output_tokens":

            event: message_delta
            data: {"type":"message_delta","usage":{"output_tokens":3000000000000000}}

            data: {"type":"message_delta","usage":{"output_tokens":9}}

            event: ping
            data: {"type":"message_delta","usage":{"output_tokens":999}}

            event: message_delta
            data: {"type":"message_delta",
            data:  "usage":{"cache_creation_input_tokens":4}}
            """;
        // No event name: the data's type decides; a ping is not usage even when its data says so; multi-line data is
        // joined; the last event counts without its blank line.
        Assert.Equal(new ApiTokens(0, 9, 4, 0), Read(Sse, Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void An_over_long_event_is_skipped_without_holding_its_bytes()
    {
        var huge = "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":5},\"pad\":\"" +
                   new string('x', ResponseUsageReader.MaxEventBytes + 10) + "\"}\n\n";
        var good = "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":6}}\n\n";
        Assert.Equal(new ApiTokens(0, 6, 0, 0), Read(Sse, Encoding.UTF8.GetBytes(huge + good)));
        Assert.Null(Read(Sse, Encoding.UTF8.GetBytes(huge)));
    }

    [Fact]
    public void A_json_answer_is_read_at_its_end_in_any_chunking()
    {
        var body = Encoding.UTF8.GetBytes(
            """{"id":"m","type":"message","content":[{"type":"text","text":"{\"usage\":1}"}],"usage":{"input_tokens":11,"output_tokens":22,"cache_creation_input_tokens":33,"cache_read_input_tokens":44}}""");
        for (var i = 0; i <= body.Length; i++)
            Assert.Equal(new ApiTokens(11, 22, 33, 44), Read("application/json", body[..i], body[i..]));
        Assert.Null(Read("application/json", Encoding.UTF8.GetBytes("""{"type":"error","error":{"type":"overloaded_error"}}""")));
        Assert.Null(Read("application/json", Encoding.UTF8.GetBytes("""{"usage":{"input_tokens":1""")));
        Assert.Null(Read("application/json", Encoding.UTF8.GetBytes("""[{"usage":{"input_tokens":1}}]""")));
    }

    [Fact]
    public void Only_sse_and_json_answers_are_read() =>
        Assert.Equal((false, false, true, true), (ResponseUsageReader.For("text/html") is not null, ResponseUsageReader.For(null) is not null,
            ResponseUsageReader.For("Text/Event-Stream") is not null, ResponseUsageReader.For("application/json; charset=utf-8") is not null));
}
