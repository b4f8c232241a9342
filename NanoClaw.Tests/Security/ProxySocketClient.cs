using System.Net.Sockets;

namespace NanoClaw.Tests.Security;

/// <summary>An HttpClient that talks HTTP over a Unix socket (a run's credential proxy socket), whatever the URL's host.</summary>
public static class ProxySocketClient
{
    public static HttpClient For(string socketPath) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { BaseAddress = new Uri("http://proxy") };
}
