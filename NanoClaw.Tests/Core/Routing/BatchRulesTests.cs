using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Core.Routing.RoutingExamples;

namespace NanoClaw.Tests.Core.Routing;

public class BatchRulesTests
{
    private static readonly TriggerMatcher Andy = new("Andy");
    private static readonly LanguageExt.Seq<ChatMessage> Empty = LanguageExt.Seq<ChatMessage>.Empty;

    [Fact]
    public void Batch_is_messages_after_the_cursor_in_time_order_without_bot_or_empty_ones()
    {
        var messages = new[]
        {
            Message("c", "2026-01-31T14:35:00.000Z", "third"),
            Message("a", "2026-01-31T14:30:00.000Z", "at the cursor"),
            Message("b", "2026-01-31T14:33:00.000Z", "second"),
            Message("z", "2026-01-31T14:31:00.000Z", "first"),
            Message("y", "2026-01-31T14:31:00.000Z", "first too"),
            Message("bot", "2026-01-31T14:32:00.000Z", "Andy: hi", isBot: true),
            Message("e", "2026-01-31T14:34:00.000Z", "  \n "),
            Message("old", "2026-01-31T14:00:00.000Z", "old"),
        };

        var batch = BatchRules.Select(messages, "2026-01-31T14:30:00.000Z");

        Assert.Equal(["y", "z", "b", "c"], batch.Map(m => m.Id).ToArray());
    }

    [Fact]
    public void Empty_cursor_takes_everything() =>
        Assert.Equal(2, BatchRules.Select([Message("a", "2026-01-01T00:00:00.000Z", "x"), Message("b", "2026-01-02T00:00:00.000Z", "y")], "").Count);

    [Fact]
    public void Main_group_wakes_on_any_message() =>
        Assert.True(BatchRules.ShouldWake(Group(isMain: true), Batch(Message("a", "t", "no trigger here")), Andy));

    [Fact]
    public void Group_without_trigger_requirement_wakes_on_any_message() =>
        Assert.True(BatchRules.ShouldWake(Group(requiresTrigger: false), Batch(Message("a", "t", "hello")), Andy));

    [Fact]
    public void Other_groups_need_a_trigger_somewhere_in_the_batch()
    {
        var group = Group();
        Assert.False(BatchRules.ShouldWake(group, Batch(Message("a", "1", "hello"), Message("b", "2", "anyone?")), Andy));
        Assert.True(BatchRules.ShouldWake(group, Batch(Message("a", "1", "hello"), Message("b", "2", "@andy anyone?")), Andy));
    }

    [Fact]
    public void Empty_batch_never_wakes()
    {
        Assert.False(BatchRules.ShouldWake(Group(isMain: true), Empty, Andy));
        Assert.False(BatchRules.ShouldWake(Group(requiresTrigger: false), Empty, Andy));
    }

    [Fact]
    public void Allowlist_can_refuse_a_trigger_but_not_for_main_or_untriggered_groups()
    {
        var batch = Batch(Message("a", "1", "@Andy do it", sender: "stranger"));
        Func<ChatMessage, bool> onlyOwner = m => m.Sender == "owner";
        Assert.False(BatchRules.ShouldWake(Group(), batch, Andy, onlyOwner));
        Assert.True(BatchRules.ShouldWake(Group(), batch, Andy, _ => true));
        Assert.True(BatchRules.ShouldWake(Group(isMain: true), batch, Andy, onlyOwner));
        Assert.True(BatchRules.ShouldWake(Group(requiresTrigger: false), batch, Andy, onlyOwner));
    }

    [Fact]
    public void Last_timestamp_is_that_of_the_newest_message()
    {
        var batch = BatchRules.Select([Message("b", "2026-01-02T00:00:00.000Z", "y"), Message("a", "2026-01-01T00:00:00.000Z", "x")], "");
        Assert.Equal("2026-01-02T00:00:00.000Z", BatchRules.LastTimestamp(batch));
        Assert.True(BatchRules.LastTimestamp(Empty).IsNone);
    }
}
