using NanoClaw.Core.Config;
using NanoClaw.Shell.WhatsApp;
using NanoClaw.Shell.WhatsApp.Protocol;

namespace NanoClaw.Tests.Media;

/// <summary>
/// The echo of a file the assistant sent (Baileys reports own sends with fromMe): in shared-number mode a caption-less
/// one has no "Andy: " prefix, so only the sidecar's <c>sentByAssistant</c> mark keeps it from counting as the owner's.
/// </summary>
[Trait("Category", "Media")]
public sealed class SentFileEchoMappingTests
{
    private static readonly AssistantOptions Shared = new("Andy", false);

    private static WireMessage Parse(bool fromMe, bool? marked)
    {
        var mark = marked is { } m ? $",\"sentByAssistant\":{(m ? "true" : "false")}" : "";
        var line = $$$"""
            {"type":"message","message":{"id":"3EB0SENT","chatJid":"1@g.us","sender":"15550009999@s.whatsapp.net","senderName":"Me",
             "content":"","timestamp":"2026-01-31T14:32:00.000Z","isFromMe":{{{(fromMe ? "true" : "false")}}}{{{mark}}},
             "attachments":[{"kind":"document","mime":"application/pdf","size":10,"file":"3EB0SENT.pdf","fileName":"report.pdf"}]}}
            """;
        return Assert.IsType<MessageEvent>(SidecarEvent.Parse(line).Event).Message;
    }

    [Fact]
    public void A_marked_own_echo_of_a_sent_file_is_stored_as_the_bots_message()
    {
        var wire = Parse(fromMe: true, marked: true);
        Assert.True(wire.SentByAssistant);
        var message = InboundMapping.ToChatMessage(wire, Shared);
        Assert.True(message.IsBotMessage);
        Assert.True(message.IsFromMe);
        Assert.Single(message.Attachments);
    }

    [Theory]
    [InlineData(true, null)]   // an own file sent from the phone: the owner's, as before
    [InlineData(true, false)]
    [InlineData(false, true)]  // someone else's message cannot pass as the bot by carrying the mark
    public void Without_the_mark_or_from_someone_else_it_is_not_the_bots(bool fromMe, bool? marked)
    {
        var message = InboundMapping.ToChatMessage(Parse(fromMe, marked), Shared);
        Assert.False(message.IsBotMessage);
    }
}
