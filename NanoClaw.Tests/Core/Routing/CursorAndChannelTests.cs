using NanoClaw.Core.Channels;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;

namespace NanoClaw.Tests.Core.Routing;

public class CursorAndChannelTests
{
    private const string Before = "2026-01-31T14:00:00.000Z";
    private const string After = "2026-01-31T14:30:00.000Z";

    [Theory]
    [InlineData(true, false, After)]
    [InlineData(true, true, After)]
    [InlineData(false, true, After)]   // output already reached the user: keep, no duplicate replies
    [InlineData(false, false, Before)] // failed silently: roll back so a retry re-sends the batch
    public void Cursor_after_an_agent_run(bool succeeded, bool outputSent, string expected) =>
        Assert.Equal(expected, CursorRules.AfterAgentRun(Before, After, succeeded, outputSent));

    [Fact]
    public void Max_of_timestamps() => Assert.Equal(After, CursorRules.Max(Before, After));

    private sealed record StubChannel(string Name, string Prefix) : IChannel
    {
        public bool OwnsJid(string jid) => jid.StartsWith(Prefix, StringComparison.Ordinal) || jid.EndsWith(Prefix, StringComparison.Ordinal);
        public bool IsConnected => true;
        public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task SendAsync(string jid, string text, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task SetTypingAsync(string jid, bool typing, CancellationToken cancellationToken) => Task.CompletedTask;
        public IObservable<ChatMessage> Messages => System.Reactive.Linq.Observable.Empty<ChatMessage>();
        public IObservable<Chat> ChatMetadata => System.Reactive.Linq.Observable.Empty<Chat>();
    }

    [Fact]
    public void Selects_the_channel_that_owns_the_chat()
    {
        var whatsapp = new StubChannel("whatsapp", "@g.us");
        var local = new StubChannel("local", "local:");
        Assert.Equal(local, ChannelRouting.Select([whatsapp, local], "local:me"));
        Assert.Equal(whatsapp, ChannelRouting.Select([whatsapp, local], "1203@g.us"));
        Assert.True(ChannelRouting.Select([whatsapp, local], "telegram:42").IsNone);
        Assert.True(ChannelRouting.Select(Array.Empty<StubChannel>(), "local:me").IsNone);
    }

    [Fact]
    public void First_owner_wins()
    {
        var a = new StubChannel("a", "local:");
        var b = new StubChannel("b", "local:");
        Assert.Equal("a", ChannelRouting.Select([a, b], "local:x").Map(c => c.Name));
    }

    [Theory]
    [InlineData("120363012345@g.us", JidKind.Group)]
    [InlineData("15551234567@s.whatsapp.net", JidKind.Person)]
    [InlineData("98765@lid", JidKind.Person)]
    [InlineData("local:terminal", JidKind.Local)]
    [InlineData("local:", JidKind.Unknown)]
    [InlineData("@g.us", JidKind.Unknown)]
    [InlineData("status@broadcast", JidKind.Unknown)]
    [InlineData("", JidKind.Unknown)]
    [InlineData(null, JidKind.Unknown)]
    public void Classifies_chat_ids(string? jid, JidKind kind)
    {
        Assert.Equal(kind, ChannelRouting.KindOf(jid));
        Assert.Equal(kind == JidKind.Group, ChannelRouting.IsGroup(jid));
        Assert.Equal(kind == JidKind.Person, ChannelRouting.IsPerson(jid));
        Assert.Equal(kind == JidKind.Local, ChannelRouting.IsLocal(jid));
        Assert.Equal(kind is JidKind.Group or JidKind.Person, ChannelRouting.IsWhatsApp(jid));
    }
}
