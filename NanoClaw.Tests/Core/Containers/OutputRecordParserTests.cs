using System.Text;
using LanguageExt;
using NanoClaw.Core.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Containers;

public class OutputRecordParserTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void A_record_between_log_lines_is_parsed_and_the_rest_is_log()
    {
        var stream = "starting\n---NANOCLAW_OUTPUT_START---\n{\"status\":\"success\",\"result\":\"héllo 😀\",\"newSessionId\":\"s1\"}\n---NANOCLAW_OUTPUT_END---\ndone\r\n";
        var items = OutputRecordParser.ParseAll(Utf8(stream)).ToList();
        Assert.Equal(
            new ParsedOutput[]
            {
                new ParsedLogLine("starting"),
                new ParsedRecord(new ContainerOutput(OutputStatus.Success, Some("héllo 😀"), Some("s1"), None)),
                new ParsedLogLine("done"),
            },
            items);
    }

    [Fact]
    public void A_record_is_emitted_as_soon_as_its_end_marker_line_is_complete()
    {
        var frame = Utf8(ContainerJson.Frame(new ContainerOutput(OutputStatus.Success, Some("x"), None, None)));
        var first = OutputRecordParser.Feed(OutputRecordParser.Initial, frame.AsSpan(0, frame.Length - 1));
        Assert.Empty(first.Items.OfType<ParsedRecord>());
        var second = OutputRecordParser.Feed(first.State, frame.AsSpan(frame.Length - 1));
        Assert.Single(second.Items.OfType<ParsedRecord>());
        Assert.Equal(0, second.State.BufferedBytes);
    }

    [Fact]
    public void Bad_json_and_unknown_status_become_errors_and_parsing_continues()
    {
        var stream = "---NANOCLAW_OUTPUT_START---\n{not json\n---NANOCLAW_OUTPUT_END---\n"
                     + "---NANOCLAW_OUTPUT_START---\n{\"status\":\"maybe\"}\n---NANOCLAW_OUTPUT_END---\n"
                     + ContainerJson.Frame(new ContainerOutput(OutputStatus.Error, None, None, Some("boom")));
        var items = OutputRecordParser.ParseAll(Utf8(stream)).ToList();
        Assert.Equal(3, items.Count);
        Assert.Contains("not valid JSON", Assert.IsType<ParsedRecordError>(items[0]).Reason);
        Assert.Contains("maybe", Assert.IsType<ParsedRecordError>(items[1]).Reason);
        Assert.Equal(Some("boom"), Assert.IsType<ParsedRecord>(items[2]).Output.Error);
    }

    [Fact]
    public void Pretty_printed_json_across_lines_is_one_record()
    {
        var stream = "---NANOCLAW_OUTPUT_START---\n{\n  \"status\": \"success\",\n  \"result\": null\n}\n---NANOCLAW_OUTPUT_END---\n";
        var record = Assert.IsType<ParsedRecord>(Assert.Single(OutputRecordParser.ParseAll(Utf8(stream))));
        Assert.True(record.Output.Result.IsNone);
    }

    [Fact]
    public void A_second_start_marker_abandons_the_open_record_and_an_unterminated_record_is_reported_at_the_end()
    {
        var stream = "---NANOCLAW_OUTPUT_START---\n{\"status\":\"success\"\n---NANOCLAW_OUTPUT_START---\n{\"status\":\"success\",\"result\":\"ok\"}\n---NANOCLAW_OUTPUT_END---\n---NANOCLAW_OUTPUT_START---\n{\"status\"";
        var items = OutputRecordParser.ParseAll(Utf8(stream)).ToList();
        Assert.Equal(3, items.Count);
        Assert.Contains("before the previous record's end", Assert.IsType<ParsedRecordError>(items[0]).Reason);
        Assert.Equal(Some("ok"), Assert.IsType<ParsedRecord>(items[1]).Output.Result);
        Assert.Contains("stream ended inside a record", Assert.IsType<ParsedRecordError>(items[2]).Reason);
    }

    [Fact]
    public void Marker_text_inside_a_log_line_is_log()
    {
        var items = OutputRecordParser.ParseAll(Utf8("echo ---NANOCLAW_OUTPUT_START--- here\n")).ToList();
        Assert.Equal(new ParsedOutput[] { new ParsedLogLine("echo ---NANOCLAW_OUTPUT_START--- here") }, items);
    }

    [Fact]
    public void A_runaway_line_is_cut_into_pieces_and_an_oversized_record_is_dropped()
    {
        var limits = new OutputParserLimits(4, 10);
        var step = OutputRecordParser.Feed(OutputRecordParser.Start(limits), Utf8("abcdefghij"));
        Assert.Equal(new ParsedOutput[] { new ParsedLogLine("abcd"), new ParsedLogLine("efgh") }, step.Items.ToList());
        Assert.True(step.State.BufferedBytes <= 4);

        var record = "---NANOCLAW_OUTPUT_START---\n{\"status\":\"success\",\"result\":\"long\"}\n---NANOCLAW_OUTPUT_END---\n";
        var items = OutputRecordParser.Finish(OutputRecordParser.Feed(OutputRecordParser.Start(new OutputParserLimits(100, 10)), Utf8(record)).State);
        var all = OutputRecordParser.Feed(OutputRecordParser.Start(new OutputParserLimits(100, 10)), Utf8(record)).Items + items;
        Assert.Contains("larger than 10 bytes", Assert.IsType<ParsedRecordError>(Assert.Single(all)).Reason);
    }

    [Fact]
    public void Feeding_does_not_change_the_state_it_was_given()
    {
        var half = OutputRecordParser.Feed(OutputRecordParser.Initial, Utf8("---NANOCLAW_OUTPUT_START---\n{\"status\":"));
        var a = OutputRecordParser.Feed(half.State, Utf8("\"success\"}\n---NANOCLAW_OUTPUT_END---\n"));
        var b = OutputRecordParser.Feed(half.State, Utf8("\"error\",\"error\":\"e\"}\n---NANOCLAW_OUTPUT_END---\n"));
        Assert.Equal(OutputStatus.Success, Assert.IsType<ParsedRecord>(Assert.Single(a.Items)).Output.Status);
        Assert.Equal(OutputStatus.Error, Assert.IsType<ParsedRecord>(Assert.Single(b.Items)).Output.Status);
    }
}
