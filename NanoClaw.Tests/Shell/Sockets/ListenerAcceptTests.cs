using System.Net.Sockets;
using NanoClaw.Shell.Sockets;

namespace NanoClaw.Tests.Shell.Sockets;

/// <summary>
/// The accept loops' stop (issue 16): a closed listener ends a pending accept with <c>null</c>, and nothing is thrown
/// on the way, where a cancelled <c>Socket.AcceptAsync(token)</c> threw at every daemon stop. Real Unix sockets.
/// </summary>
public sealed class ListenerAcceptTests : IDisposable
{
    // Marks this test's own flow: the first-chance handler is process-wide, other tests throw at the same time.
    private static readonly AsyncLocal<bool> Mine = new();
    private readonly string dir = Directory.CreateTempSubdirectory("nanoclaw-accept-").FullName;
    private readonly List<Exception> thrown = [];

    public ListenerAcceptTests() => AppDomain.CurrentDomain.FirstChanceException += Record;

    private void Record(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
    {
        if (Mine.Value) lock (thrown) thrown.Add(e.Exception);
    }

    private Socket Listen()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(dir, "s.sock")));
        socket.Listen(4);
        return socket;
    }

    [Fact]
    public async Task A_connection_is_accepted_and_closing_the_listener_ends_the_next_accept_with_null_without_throwing()
    {
        Mine.Value = true;
        using var listener = Listen();

        var first = listener.AcceptOrNullAsync();
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(dir, "s.sock")));
        using var accepted = await first.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(accepted);

        var pending = listener.AcceptOrNullAsync();
        Assert.False(pending.IsCompleted, "no second client: the accept waits");
        listener.Dispose();

        Assert.Null(await pending.WaitAsync(TimeSpan.FromSeconds(30)));
        lock (thrown) Assert.True(thrown.Count == 0, "thrown: " + string.Join("; ", thrown.Select(e => e.GetType().Name + ": " + e.Message)));
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.FirstChanceException -= Record;
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
