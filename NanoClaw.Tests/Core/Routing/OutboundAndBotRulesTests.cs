using NanoClaw.Core.Config;
using NanoClaw.Core.Routing;

namespace NanoClaw.Tests.Core.Routing;

public class OutboundAndBotRulesTests
{
    private static readonly AssistantOptions Shared = new("Andy", HasOwnNumber: false);
    private static readonly AssistantOptions Own = new("Andy", HasOwnNumber: true);

    [Theory]
    [InlineData("Hello there", "Hello there")]
    [InlineData("  <internal>thinking</internal>  Hello  ", "Hello")]
    [InlineData("Hi <internal>a\nmultiline\nthought</internal>there", "Hi there")]
    [InlineData("A<internal>x</internal>B<internal>y</internal>C", "ABC")]
    [InlineData("<INTERNAL>shouting</Internal>ok", "ok")]
    [InlineData("keep <internal>outer <internal>inner</internal> still hidden</internal> this", "keep  this")]
    [InlineData("visible <internal>never closed\nsecret", "visible")]
    [InlineData("stray </internal> close", "stray  close")]
    [InlineData("a<inter<internal>x</internal>nal>b</internal>c", "a")] // removal forms a new opening tag, which hides the rest
    public void Strips_internal_blocks(string input, string expected) =>
        Assert.Equal(expected, OutboundRules.StripInternal(input));

    [Theory]
    [InlineData("<internal>only thoughts</internal>")]
    [InlineData("  \n <internal>a</internal>\n<internal>b</internal> ")]
    [InlineData("<inter<internal>x</internal>nal>hidden")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Nothing_visible_means_nothing_to_send(string? input) =>
        Assert.True(OutboundRules.StripInternal(input).IsNone);

    [Fact]
    public void Prefixes_the_name_when_sharing_the_users_number()
    {
        Assert.Equal("Andy: hi", OutboundRules.Prefix("hi", Shared));
        Assert.Equal("hi", OutboundRules.Prefix("hi", Own));
    }

    [Fact]
    public void Prepare_strips_then_prefixes()
    {
        Assert.Equal("Andy: done", OutboundRules.Prepare("<internal>x</internal> done", Shared));
        Assert.True(OutboundRules.Prepare("<internal>x</internal>", Shared).IsNone);
    }

    [Theory]
    [InlineData("Andy: hello", false, true)]
    [InlineData("Andy: hello", true, true)]
    [InlineData("Andy:", false, true)]
    [InlineData("Andy hello", false, false)]
    [InlineData("andy: hello", false, false)]
    [InlineData("Andy", false, false)]
    [InlineData(" Andy: hello", false, false)]
    [InlineData("hello Andy: ", true, false)]
    public void Without_own_number_bot_messages_carry_the_prefix(string content, bool fromMe, bool expected) =>
        Assert.Equal(expected, BotMessageRules.IsBotMessage(content, fromMe, Shared));

    [Theory]
    [InlineData("Andy: hello", false, false)]
    [InlineData("anything", true, true)]
    [InlineData("anything", false, false)]
    public void With_own_number_bot_messages_are_the_ones_from_me(string content, bool fromMe, bool expected) =>
        Assert.Equal(expected, BotMessageRules.IsBotMessage(content, fromMe, Own));

    [Fact]
    public void A_prefixed_outbound_message_is_recognised_as_the_bots()
    {
        foreach (var text in new[] { "hi", "Andy: nested", "" })
            Assert.True(BotMessageRules.IsBotMessage(OutboundRules.Prefix(text, Shared), isFromMe: true, Shared));
    }
}
