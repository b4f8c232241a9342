using System.Runtime.InteropServices;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// SIGTERM / SIGINT for <c>nanoclaw run</c>: registered once, before the config is read, and never unregistered, so
/// from that moment to the process's last instruction a stop signal only asks for a graceful stop and the exit code
/// is the daemon's own (0), never the signal's default action (143 / 130). See Daemon/README.md, "Stop signals".
/// </summary>
public static class StopSignals
{
    private static readonly Lock Gate = new();
    private static readonly CancellationTokenSource Requested = new();
    // Kept in static fields on purpose: disposing them (or letting them be collected) would restore the default action.
    private static PosixSignalRegistration? term;
    private static PosixSignalRegistration? interrupt;

    /// <summary>Registers the handlers (once per process); the token is cancelled by the first SIGTERM or SIGINT.</summary>
    public static CancellationToken Register()
    {
        lock (Gate)
        {
            term ??= PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
            interrupt ??= PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        }
        return Requested.Token;
    }

    /// <summary>True once a stop signal arrived.</summary>
    public static bool StopRequested => Requested.IsCancellationRequested;

    private static void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        // Off the runtime's signal thread: cancelling runs the daemon's stop continuations, which must not hold it.
        ThreadPool.UnsafeQueueUserWorkItem(static _ => Requested.Cancel(), null);
    }
}
