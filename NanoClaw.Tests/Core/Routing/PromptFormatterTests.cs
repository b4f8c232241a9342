using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Core.Routing.RoutingExamples;

namespace NanoClaw.Tests.Core.Routing;

public class PromptFormatterTests
{
    [Fact]
    public void Formats_the_spec_example_with_escaping_and_a_reply()
    {
        var batch = Seq(
            Message("m1", "2026-01-31T19:32:00.000Z", "Tom & Jerry <3 \"quotes\"", senderName: "Alice \"A\" <al>"),
            Message("m2", "2026-01-31T19:33:00.000Z", "@Andy what did she mean?", senderName: "Bob",
                replyTo: Some(new ReplyReference("m1", Some("Tom & Jerry <3"), Some("Alice")))));

        var prompt = PromptFormatter.Format(batch, NewYork);

        Assert.Equal(
            "<context timezone=\"America/New_York\" />\n" +
            "<messages>\n" +
            "<message sender=\"Alice &quot;A&quot; &lt;al&gt;\" time=\"Jan 31, 2026, 2:32 PM\">Tom &amp; Jerry &lt;3 &quot;quotes&quot;</message>\n" +
            "<message sender=\"Bob\" time=\"Jan 31, 2026, 2:33 PM\" reply_to=\"m1\"><quoted_message from=\"Alice\">Tom &amp; Jerry &lt;3</quoted_message>@Andy what did she mean?</message>\n" +
            "</messages>",
            prompt);
    }

    [Fact]
    public void A_reply_without_known_content_only_names_the_quoted_id()
    {
        var batch = Batch(Message("m2", "2026-06-01T12:00:00.000Z", "yes", senderName: "Bob",
            replyTo: Some(new ReplyReference("m0", None, None))));
        Assert.Contains("<message sender=\"Bob\" time=\"Jun 1, 2026, 8:00 AM\" reply_to=\"m0\">yes</message>", PromptFormatter.Format(batch, NewYork));
    }

    [Fact]
    public void A_quote_with_unknown_sender_has_no_from_attribute()
    {
        var batch = Batch(Message("m2", "2026-06-01T12:00:00.000Z", "yes", senderName: "Bob",
            replyTo: Some(new ReplyReference("m0", Some("earlier"), None))));
        Assert.Contains("reply_to=\"m0\"><quoted_message>earlier</quoted_message>yes</message>", PromptFormatter.Format(batch, NewYork));
    }

    [Theory]
    [InlineData("2026-03-08T06:59:00.000Z", "Mar 8, 2026, 1:59 AM")] // last minute of EST
    [InlineData("2026-03-08T07:00:00.000Z", "Mar 8, 2026, 3:00 AM")] // first minute of EDT
    [InlineData("2026-11-01T05:30:00.000Z", "Nov 1, 2026, 1:30 AM")] // first 1:30 (EDT)
    [InlineData("2026-11-01T06:30:00.000Z", "Nov 1, 2026, 1:30 AM")] // second 1:30 (EST)
    [InlineData("2026-07-04T16:05:00.000Z", "Jul 4, 2026, 12:05 PM")]
    [InlineData("2026-01-01T04:59:59.999Z", "Dec 31, 2025, 11:59 PM")]
    [InlineData("2026-01-01T05:00:00Z", "Jan 1, 2026, 12:00 AM")] // not the store format: general parser
    public void Times_are_local_to_the_configured_zone_across_DST(string timestamp, string expected)
    {
        var prompt = PromptFormatter.Format(Seq1(Message("m", timestamp, "x")), NewYork);
        Assert.Contains($"time=\"{expected}\"", prompt);
    }

    [Fact]
    public void Times_follow_the_zone_given()
    {
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var prompt = PromptFormatter.Format(Seq1(Message("m", "2026-01-31T19:32:00.000Z", "x")), tokyo);
        Assert.StartsWith("<context timezone=\"Asia/Tokyo\" />\n", prompt);
        Assert.Contains("time=\"Feb 1, 2026, 4:32 AM\"", prompt);
    }

    [Fact]
    public void An_unreadable_timestamp_is_shown_as_is_escaped()
    {
        var prompt = PromptFormatter.Format(Seq1(Message("m", "yesterday <noon>", "x")), NewYork);
        Assert.Contains("time=\"yesterday &lt;noon&gt;\"", prompt);
    }

    [Fact]
    public void Multiline_content_stays_literal_but_carriage_returns_and_control_characters_are_made_safe()
    {
        var prompt = PromptFormatter.Format(Seq1(Message("m", "2026-01-31T19:32:00.000Z", "line1\r\nline2\u0001", senderName: "A\tB")), NewYork);
        Assert.Contains("sender=\"A&#9;B\"", prompt);
        Assert.Contains(">line1&#13;\nline2\uFFFD</message>", prompt);
    }

    [Fact]
    public void Empty_batch_still_has_the_frame() =>
        Assert.Equal("<context timezone=\"America/New_York\" />\n<messages>\n</messages>", PromptFormatter.Format(LanguageExt.Seq<ChatMessage>.Empty, NewYork));

    [Fact]
    public void Local_time_of_an_instant() =>
        Assert.Equal("Jan 31, 2026, 2:32 PM", PromptFormatter.LocalTime(new DateTimeOffset(2026, 1, 31, 19, 32, 0, TimeSpan.Zero), NewYork));
}
