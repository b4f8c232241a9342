using NanoClaw.Shell.Config;
using NanoClaw.Shell.Store;

namespace NanoClaw.Shell.Cli;

/// <summary>
/// Opens the store for commands that change or read existing data: a missing <c>store/messages.db</c> means the
/// command runs in the wrong directory (or before the first run), so it exits 3 instead of creating an empty store.
/// </summary>
public static class ExistingStore
{
    public static string DatabasePath(ShellContext context) =>
        Path.Combine(context.Options.Paths.StoreDir, NanoClawStore.DatabaseFileName);

    /// <summary>The opened (migrated) store, or null after printing why there is none.</summary>
    public static NanoClawStore? Open(ShellContext context, string command)
    {
        var path = DatabasePath(context);
        if (File.Exists(path)) return context.OpenStore();
        Console.Error.WriteLine($"nanoclaw {command}: no store at {path}; run this in the project directory (or pass --config), " +
                                "or start the assistant once with: nanoclaw run");
        return null;
    }
}
