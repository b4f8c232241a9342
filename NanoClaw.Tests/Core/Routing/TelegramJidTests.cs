using NanoClaw.Core.Routing;

namespace NanoClaw.Tests.Core.Routing;

[Trait("Category", "Telegram")]
public class TelegramJidTests
{
    [Theory]
    [InlineData("tg:-1001234567890", JidKind.Group)]
    [InlineData("tg:-42", JidKind.Group)]
    [InlineData("tg:4242", JidKind.Person)]
    [InlineData("tg:", JidKind.Unknown)]
    [InlineData("tg:0", JidKind.Unknown)]
    [InlineData("tg:abc", JidKind.Unknown)]
    public void Telegram_ids_classify_by_sign_and_are_never_whatsapp(string jid, JidKind kind)
    {
        Assert.Equal(kind, ChannelRouting.KindOf(jid));
        Assert.False(ChannelRouting.IsWhatsApp(jid));
        Assert.Equal(kind != JidKind.Unknown, ChannelRouting.IsTelegram(jid));
    }

    [Fact]
    public void Whatsapp_ids_are_not_telegram() =>
        Assert.False(ChannelRouting.IsTelegram("123@g.us") || ChannelRouting.IsTelegram("local:main"));
}
