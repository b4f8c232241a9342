using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.EndToEnd;

/// <summary>
/// Issue 7 end to end: the real daemon process, the real agent image under Podman, the real Claude Code CLI and the
/// fake Anthropic API, driven through the local chat socket as <c>nanoclaw chat</c> drives it.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection("RealClaude")]
public sealed class LocalChatEndToEndTests : IClassFixture<LocalChatDaemonFixture>
{
    private static readonly TimeSpan Turn = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan ContainerEnd = TimeSpan.FromSeconds(90);

    private readonly LocalChatDaemonFixture daemon;

    public LocalChatEndToEndTests(LocalChatDaemonFixture daemon)
    {
        Assert.True(daemon.Problem is null, daemon.Problem);
        this.daemon = daemon;
    }

    private FakeAnthropicApi Api => daemon.Api;

    [ClaudeImageFact]
    public async Task A_triggered_message_in_a_non_main_group_gets_exactly_one_prefixed_reply()
    {
        Api.Script(ScriptedReply.Text("Four."));
        await using var chat = await daemon.ChatAsync("triggered");

        await chat.SayAsync("@Andy what is 2+2?");

        await chat.WaitForReplyContainingAsync("Four.", Turn);
        var container = await SingleContainerOfAsync("triggered");
        await daemon.Daemon.WaitForContainerEndAsync(container, ContainerEnd);
        Assert.Equal(["Andy: Four."], chat.Replies);
        var turns = ApiRequests.TurnsMentioning(Api, "what is 2+2?");
        Assert.True(turns.Count == 1, ApiRequests.Describe(Api));
        var prompt = ApiRequests.UserText(turns[0]);
        Assert.Contains("<context timezone=\"America/New_York\" />", prompt);
        Assert.Matches("<message sender=\"[^\"]+\" time=\"[A-Z][a-z]{2} \\d{1,2}, \\d{4}, \\d{1,2}:\\d{2} [AP]M\">@Andy what is 2\\+2\\?</message>", prompt);
    }

    private async Task<string> SingleContainerOfAsync(string folder)
    {
        await daemon.Daemon.WaitForLineAsync(l => l.Contains($" for {folder}", StringComparison.Ordinal) && l.Contains("Started nanoclaw-", StringComparison.Ordinal), Turn);
        return Assert.Single(daemon.Daemon.StartedContainers, c => c.Folder == folder).Name;
    }
}
