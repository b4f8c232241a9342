using System.Net.Sockets;

namespace NanoClaw.Shell.Sockets;

/// <summary>
/// Accepting on a listening socket without an exception at stop: the owner stops its accept loop by disposing the
/// listener, and the pending accept then completes as <c>null</c> instead of throwing. A cancelled
/// <c>Socket.AcceptAsync(token)</c> throws, and at the daemon's stop those exceptions (the process's first ones, which
/// also load the runtime's resource strings) were a measurable part of SIGTERM → exit (issue 16).
/// </summary>
public static class ListenerAccept
{
    /// <summary>The next connection, or <c>null</c> once the listener is closed or failed.</summary>
    public static Task<Socket?> AcceptOrNullAsync(this Socket listener)
    {
        var args = new SocketAsyncEventArgs();
        var done = new TaskCompletionSource<Socket?>(TaskCreationOptions.RunContinuationsAsynchronously);
        args.Completed += (_, e) => Complete(e, done);
        bool pending;
        try
        {
            pending = listener.AcceptAsync(args);
        }
        catch (ObjectDisposedException)
        {
            // Closed before this accept started (a stop racing the loop): the same answer as a closed listener.
            args.Dispose();
            return Task.FromResult<Socket?>(null);
        }
        if (!pending) Complete(args, done);
        return done.Task;
    }

    private static void Complete(SocketAsyncEventArgs args, TaskCompletionSource<Socket?> done)
    {
        var accepted = args.SocketError == SocketError.Success ? args.AcceptSocket : null;
        if (accepted is null) args.AcceptSocket?.Dispose();
        args.Dispose();
        done.TrySetResult(accepted);
    }
}
