using NanoClaw.Shell.Config;
using NanoClaw.Shell.Store;
using NanoClaw.Shell.WhatsApp.Outbox;
using NanoClaw.Shell.WhatsApp.Sidecar;

namespace NanoClaw.Shell.WhatsApp;

/// <summary>Builds the WhatsApp channel of an installation (for <c>nanoclaw run</c>).</summary>
public static class WhatsAppSetup
{
    /// <summary>
    /// The channel on the installation's store and sidecar. The daemon connects it, attaches
    /// <see cref="Ingest.InboundIngest"/>, and on <see cref="WhatsAppChannel.Terminated"/> prints the message and
    /// exits with its exit code; <see cref="WhatsAppUnavailableException"/> from connect is handled the same way.
    /// </summary>
    public static WhatsAppChannel Create(ShellContext context, NanoClawStore store, TimeProvider clock) =>
        new(SidecarOptions.Locate(context.ProjectRoot, context.Options.Paths.StoreDir, Environment.GetEnvironmentVariable),
            context.Options.Assistant,
            new StoreOutbox(store, clock),
            new StoreGroupSyncState(store),
            clock,
            context.Log);
}
