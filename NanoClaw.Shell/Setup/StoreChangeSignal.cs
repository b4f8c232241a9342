using Serilog;

namespace NanoClaw.Shell.Setup;

/// <summary>
/// How a management command tells a running daemon that it changed the store behind its back (a group registered,
/// a task paused or due now): it rewrites <c>data/store.changed</c>, which the daemon watches. Without a daemon the
/// file is harmless; a daemon started later reads the store anyway.
/// </summary>
public static class StoreChangeSignal
{
    public const string FileName = "store.changed";

    /// <summary>Signals a change (best effort: a command never fails because no daemon can be told).</summary>
    public static void Touch(string dataDir)
    {
        try
        {
            Directory.CreateDirectory(dataDir);
            var path = Path.Combine(dataDir, FileName);
            var temp = path + ".tmp";
            File.WriteAllText(temp, DateTimeOffset.UtcNow.ToString("O"));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The daemon's safety polls still see the change.
        }
    }

    /// <summary>Calls <paramref name="onChange"/> whenever a command signals a change; dispose to stop watching.</summary>
    public static IDisposable Watch(string dataDir, Action onChange, ILogger log)
    {
        Directory.CreateDirectory(dataDir);
        var watcher = new FileSystemWatcher(dataDir, FileName) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
        void Fire()
        {
            try
            {
                log.Information("The store was changed by a nanoclaw command; reloading groups and tasks");
                onChange();
            }
            catch (Exception e)
            {
                log.Warning("Reloading after a store change failed: {Error}", e.Message);
            }
        }
        watcher.Renamed += (_, _) => Fire();
        watcher.Created += (_, _) => Fire();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }
}
