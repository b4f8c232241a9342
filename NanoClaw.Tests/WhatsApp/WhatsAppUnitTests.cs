using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Shell.WhatsApp;
using NanoClaw.Shell.WhatsApp.Linking;
using NanoClaw.Shell.WhatsApp.Protocol;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.WhatsApp;

/// <summary>The channel's pure parts: protocol parsing, wire mapping, sync and backoff rules, phone numbers, QR drawing.</summary>
[Trait("Category", "WhatsApp")]
public sealed class WhatsAppUnitTests
{
    [Fact]
    public void Events_parse_into_their_records()
    {
        var message = SidecarEvent.Parse("""
            {"type":"message","message":{"id":"M1","chatJid":"1@g.us","sender":"2@s.whatsapp.net","senderName":"Al","content":"hi",
             "timestamp":"2026-01-31T14:32:00.000Z","isFromMe":false,"replyTo":{"id":"Q","content":"prev"}},"extra":1}
            """).Event;
        var m = Assert.IsType<MessageEvent>(message).Message;
        Assert.Equal(("M1", "1@g.us", "hi", "Q"), (m.Id, m.ChatJid, m.Content, m.ReplyTo!.Id));

        var close = Assert.IsType<ConnectionEvent>(SidecarEvent.Parse("""{"type":"connection","state":"close","reason":"loggedOut","loggedOut":true}""").Event);
        Assert.True(close.LoggedOut);
        Assert.IsType<SendResultEvent>(SidecarEvent.Parse("""{"type":"send_result","id":"3","ok":true}""").Event);
        Assert.IsType<UnknownEvent>(SidecarEvent.Parse("""{"type":"from_the_future"}""").Event);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"no":"type"}""")]
    [InlineData("""{"type":"send_result","ok":true}""")]
    [InlineData("""{"type":"connection","state":"sideways"}""")]
    [InlineData("""{"type":"message","message":{"id":"x"}}""")]
    public void Bad_event_lines_are_rejected_with_a_reason_not_an_exception(string line)
    {
        var parsed = SidecarEvent.Parse(line);
        Assert.Null(parsed.Event);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Error));
    }

    [Fact]
    public void Commands_are_single_lines_in_the_documented_shape()
    {
        Assert.Equal("""{"type":"send","id":"7","jid":"1@g.us","text":"a\nb"}""", SidecarCommand.Send("7", "1@g.us", "a\nb"));
        Assert.Equal("""{"type":"connect","authDir":"/s/auth","link":false}""", SidecarCommand.Connect("/s/auth", false));
        Assert.Equal("""{"type":"connect","authDir":"/a","link":true,"phone":"155"}""", SidecarCommand.Connect("/a", true, "155"));
        Assert.Equal("""{"type":"typing","jid":"j","on":true}""", SidecarCommand.Typing("j", true));
    }

    [Fact]
    public void Wire_messages_map_to_chat_messages_with_reply_and_the_store_timestamp_format()
    {
        var wire = new WireMessage("M", "1@g.us", "2@s.whatsapp.net", null, "Andy: done", "2026-01-31T14:32:00Z", true,
            new WireReply("Q", null, "Bob"));
        var shared = InboundMapping.ToChatMessage(wire, new AssistantOptions("Andy", false));
        Assert.Equal("2026-01-31T14:32:00.000Z", shared.Timestamp);
        Assert.Equal("2", shared.SenderName);
        Assert.True(shared.IsBotMessage);
        Assert.Equal(Some(new NanoClaw.Core.Domain.ReplyReference("Q", None, Some("Bob"))), shared.ReplyTo);
        var own = InboundMapping.ToChatMessage(wire with { IsFromMe = false }, new AssistantOptions("Andy", true));
        Assert.False(own.IsBotMessage);
    }

    [Fact]
    public void Group_sync_is_due_when_never_done_stale_forced_or_from_the_future()
    {
        var now = new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);
        var day = TimeSpan.FromHours(24);
        Assert.True(GroupSyncRule.IsDue(None, now, day, forced: false));
        Assert.False(GroupSyncRule.IsDue(Some(now.AddHours(-23)), now, day, forced: false));
        Assert.True(GroupSyncRule.IsDue(Some(now.AddHours(-23)), now, day, forced: true));
        Assert.True(GroupSyncRule.IsDue(Some(now.AddHours(-24)), now, day, forced: false));
        Assert.True(GroupSyncRule.IsDue(Some(now.AddHours(1)), now, day, forced: false)); // clock moved back: don't trust it
    }

    [Property]
    [Trait("Category", "Property")]
    public Property Backoff_grows_monotonically_and_stays_within_its_bounds() =>
        Prop.ForAll(Gen.Choose(0, 10_000).ToArbitrary(), Gen.Choose(1, 5_000).ToArbitrary(), Gen.Choose(0, 200).ToArbitrary(),
            (minMs, spreadMs, attempt) =>
            {
                var timing = WhatsAppTiming.Default with
                {
                    BackoffMin = TimeSpan.FromMilliseconds(minMs),
                    BackoffMax = TimeSpan.FromMilliseconds(minMs + spreadMs),
                };
                var d = timing.Backoff(attempt);
                return d >= timing.BackoffMin && d <= timing.BackoffMax && timing.Backoff(attempt + 1) >= d;
            });

    [Theory]
    [InlineData("+1 555-123 4567", "15551234567")]
    [InlineData("(49) 170.1234567", "491701234567")]
    public void Phone_numbers_keep_their_digits(string input, string digits) =>
        Assert.Equal(Right<string, string>(digits), PhoneNumber.Parse(input));

    [Theory]
    [InlineData("12345")]
    [InlineData("+1 555 CALL NOW")]
    [InlineData("1234567890123456")]
    public void Bad_phone_numbers_say_what_is_expected(string input) =>
        Assert.Contains("country code", PhoneNumber.Parse(input).Match(_ => "", e => e));

    [Fact]
    public void The_QR_code_is_drawn_as_a_square_of_half_blocks()
    {
        var lines = QrRenderer.Render("2@abc,def,ghi==").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.Equal(lines[0].Length, l.Length));
        // Two module rows per text line: the height in lines is about half the width.
        Assert.InRange(lines.Length, lines[0].Length / 2, lines[0].Length / 2 + 1);
        Assert.Contains(lines, l => l.Contains('▀') || l.Contains('▄'));
        Assert.NotEqual(QrRenderer.Render("one payload"), QrRenderer.Render("another payload"));
    }
}
