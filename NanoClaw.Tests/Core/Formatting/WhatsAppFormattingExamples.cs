using NanoClaw.Core.Config;
using NanoClaw.Core.Formatting;

namespace NanoClaw.Tests.Core.Formatting;

/// <summary>The table in NanoClaw.Core/Formatting/README.md, checked: Markdown in, WhatsApp text out (Z = U+200B).</summary>
[Trait("Category", "Media")]
public class WhatsAppFormattingExamples
{
    private const char Z = WhatsAppFormatting.Neutraliser;

    public static TheoryData<string, string> Cases => new()
    {
        { "**bold**", "*bold*" },
        { "__bold__", "*bold*" },
        { "*italic* and _italic_", "_italic_ and _italic_" },
        { "***both***", "_*both*_" },
        { "~~gone~~", "~gone~" },
        { "**bold _and italic_**", "*bold _and italic_*" },
        { "use `ls -la` here", "use ```ls -la``` here" },
        { "```bash\necho *hi*\n```", "```\necho *hi*\n```" },
        { "    indented code", "```\nindented code\n```" },
        { "# Title", "*Title*" },
        { "## A **bold** title", "*A bold title*" },
        { "- one\n- two", "- one\n- two" },
        { "* one\n* two", "- one\n- two" },
        { "1. first\n2. second", "1. first\n2. second" },
        { "3. third\n4. fourth", "3. third\n4. fourth" },
        { "- outer\n  - inner", "- outer\n   - inner" },
        { "[docs](https://example.com/a)", "docs (https://example.com/a)" },
        { "see https://example.com/a_b", "see https://example.com/a_b" },
        { "<https://example.com>", "https://example.com" },
        { "[https://example.com](https://example.com)", "https://example.com" },
        { "![a cat](https://example.com/cat.png)", "a cat (https://example.com/cat.png)" },
        { "> quoted\n> text", "> quoted\n> text" },
        { "first\nsecond", "first\nsecond" },
        { "para one\n\npara two", "para one\n\npara two" },
        { "a\n\n---\n\nb", "a\n\n───\n\nb" },
        { "| Name | Age |\n|---|---|\n| Alice | 30 |\n| Bob | 4 |", "```\nName  | Age\n------+----\nAlice | 30\nBob   | 4\n```" },
        { "snake_case_name and 2 * 3 = 6", "snake_case_name and 2 * 3 = 6" },
        { @"\*not bold\*", $"{Z}*{Z}not bold{Z}*{Z}" },
        { @"a \_b", $"a {Z}_{Z}b" },
        { @"2\*3", "2*3" },
        { "`a ``` b`", $"```a `{Z}`` b```" },
        { "Tom &amp; Jerry", "Tom & Jerry" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Markdown_becomes_whatsapp_formatting(string markdown, string expected) =>
        Assert.Equal(expected, WhatsAppFormatting.Convert(markdown));

    [Fact]
    public void The_assistant_prefix_is_kept_and_the_text_after_it_is_converted()
    {
        var assistant = new AssistantOptions("Andy", HasOwnNumber: false);
        Assert.Equal("Andy: *Plan*\n\n- eat", WhatsAppFormatting.ConvertOutbound("Andy: # Plan\n\n- eat", assistant));
        Assert.Equal("*Plan*", WhatsAppFormatting.ConvertOutbound("# Plan", assistant with { HasOwnNumber = true }));
    }

    [Fact]
    public void Empty_and_null_give_empty() =>
        Assert.Equal(["", ""], new[] { WhatsAppFormatting.Convert(null), WhatsAppFormatting.Convert("") });
}
