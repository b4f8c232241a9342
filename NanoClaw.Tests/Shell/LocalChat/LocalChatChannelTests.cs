using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.LocalChat;
using Serilog;

namespace NanoClaw.Tests.Shell.LocalChat;

public sealed class LocalChatChannelTests : IAsyncLifetime
{
    private readonly string dir = Directory.CreateTempSubdirectory("nanoclaw-chat-").FullName;
    private readonly HashSet<string> registered = ["local:main"];
    private LocalChatChannel channel = null!;

    private string Socket => Path.Combine(dir, "chat.sock");

    public async Task InitializeAsync()
    {
        channel = new LocalChatChannel(Socket, TimeProvider.System, new LoggerConfiguration().CreateLogger(), registered.Contains);
        await channel.ConnectAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await channel.DisposeAsync();
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task A_message_from_the_client_becomes_an_inbound_message_of_its_local_chat_and_replies_come_back()
    {
        var inbound = channel.Messages.FirstAsync().ToTask();
        await using var client = await LocalChatClient.ConnectAsync(Socket, CancellationToken.None);
        await client.SendAsync("main", "hello <there>", CancellationToken.None);

        var accepted = await client.ReadAsync(CancellationToken.None);
        Assert.Equal(("accepted", "local:main"), (accepted!.Type, accepted.Jid));
        var message = await inbound.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(("local:main", "hello <there>", false), (message.ChatJid, message.Content, message.IsBotMessage));
        Assert.True(IsoTimestamp.Parse(message.Timestamp).IsSome);

        await channel.SetTypingAsync("local:main", true, CancellationToken.None);
        await channel.SendAsync("local:main", "Andy: hi", CancellationToken.None);
        await channel.SendAsync("local:other", "not for this client", CancellationToken.None);
        await channel.SetTypingAsync("local:main", false, CancellationToken.None);

        var frames = new List<LocalChatFrame>();
        for (var i = 0; i < 3; i++) frames.Add((await client.ReadAsync(CancellationToken.None))!);
        Assert.Equal(["typing", "reply", "typing"], frames.Select(f => f.Type));
        Assert.Equal("Andy: hi", frames[1].Text);
        Assert.Equal(false, frames[2].On);
    }

    [Fact]
    public async Task Unregistered_or_invalid_groups_are_refused_with_a_hint_and_nothing_is_published()
    {
        var published = 0;
        using var sub = channel.Messages.Subscribe(_ => Interlocked.Increment(ref published));
        await using var client = await LocalChatClient.ConnectAsync(Socket, CancellationToken.None);

        await client.SendAsync("family", "hi", CancellationToken.None);
        var refused = await client.ReadAsync(CancellationToken.None);
        Assert.Equal("error", refused!.Type);
        Assert.Contains("nanoclaw groups register --jid local:family", refused.Text);

        await client.SendAsync("../etc", "hi", CancellationToken.None);
        var invalid = await client.ReadAsync(CancellationToken.None);
        Assert.Equal("error", invalid!.Type);
        Assert.Contains("invalid folder name", invalid.Text);
        Assert.Equal(0, published);
    }

    [Fact]
    public async Task The_client_explains_how_to_start_the_daemon_when_no_one_listens()
    {
        var missing = Path.Combine(dir, "nobody.sock");
        var error = await Assert.ThrowsAsync<LocalChatUnavailableException>(() => LocalChatClient.ConnectAsync(missing, CancellationToken.None));
        Assert.Contains("nanoclaw run", error.Message);
    }

    [Fact]
    public void The_channel_owns_exactly_the_local_jids()
    {
        Assert.True(channel.OwnsJid("local:main"));
        Assert.False(channel.OwnsJid("123@g.us"));
        Assert.False(channel.OwnsJid("localmain"));
    }
}
