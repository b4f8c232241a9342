using NanoClaw.Core.Routing;

namespace NanoClaw.Tests.Core.Routing;

public class TriggerMatcherTests
{
    private readonly TriggerMatcher _andy = new("Andy");

    [Theory]
    [InlineData("@Andy hello", true)]
    [InlineData("@Andy", true)]
    [InlineData("  @andy hi", true)]
    [InlineData("\n\t@ANDY what's up", true)]
    [InlineData("@Andy, can you", true)]
    [InlineData("@Andy's turn", true)]
    [InlineData("@Andy2", false)]
    [InlineData("@Andy_bot", false)]
    [InlineData("@Andyx hi", false)]
    [InlineData("hi @Andy", false)]
    [InlineData("Andy hi", false)]
    [InlineData("@ Andy", false)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("@", false)]
    public void Trigger_edge_cases(string content, bool expected) => Assert.Equal(expected, _andy.Matches(content));

    [Fact]
    public void Null_content_never_triggers() => Assert.False(_andy.Matches(null));

    [Fact]
    public void The_name_is_matched_literally_not_as_a_regex()
    {
        var dotted = new TriggerMatcher("A.I");
        Assert.True(dotted.Matches("@a.i please"));
        Assert.False(dotted.Matches("@AxI please"));
        var plus = new TriggerMatcher("C++");
        Assert.True(plus.Matches("@C++ help"));
        Assert.False(plus.Matches("@CCC help"));
    }

    [Fact]
    public void Exposes_its_name() => Assert.Equal("@Andy", _andy.ToString());
}
