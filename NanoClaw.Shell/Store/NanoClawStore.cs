using NanoClaw.Shell.Store.Repositories;
using Serilog;

namespace NanoClaw.Shell.Store;

/// <summary>
/// The SQLite store (<c>store/messages.db</c>), migrated and ready. Repositories open a pooled connection per
/// call, so the store is safe to use from any thread; WAL and the busy timeout let writers queue instead of failing.
/// </summary>
public sealed class NanoClawStore
{
    /// <summary>File name of the database inside the store directory (NanoClaw's name).</summary>
    public const string DatabaseFileName = "messages.db";

    private NanoClawStore(StoreConnections connections, ILogger log)
    {
        Connections = connections;
        Messages = new MessageRepository(connections);
        RouterState = new RouterStateRepository(connections, log);
        Sessions = new SessionRepository(connections);
        Groups = new RegisteredGroupRepository(connections, log);
        Tasks = new TaskRepository(connections, log);
        RunLogs = new RunLogRepository(connections);
        Outbox = new OutboxRepository(connections);
        Usage = new UsageRepository(connections);
    }

    public StoreConnections Connections { get; }
    public string DatabasePath => Connections.DatabasePath;
    public MessageRepository Messages { get; }
    public RouterStateRepository RouterState { get; }
    public SessionRepository Sessions { get; }
    public RegisteredGroupRepository Groups { get; }
    public TaskRepository Tasks { get; }
    public RunLogRepository RunLogs { get; }
    public OutboxRepository Outbox { get; }
    public UsageRepository Usage { get; }

    /// <summary>
    /// Closes the store's connections at the daemon's stop (<see cref="StoreConnections.Close"/>): the database file is
    /// complete afterwards, its WAL folded in. A repository used after this opens a connection again.
    /// </summary>
    public void Close() => Connections.Close();

    /// <summary>
    /// Opens (creating if needed) <c>{storeDir}/messages.db</c> and migrates it, upgrading a NanoClaw database in place.
    /// <paramref name="assistantName"/> drives the bot-message backfill of an upgraded NanoClaw database.
    /// </summary>
    public static NanoClawStore Open(string storeDir, string assistantName, ILogger log)
    {
        // Private from the start (F10): the database holds every message, store/auth the WhatsApp keys. SQLite gives
        // the -wal and -shm files the database file's mode, so creating that file 0600 covers all three.
        Security.PrivateFiles.CreateDirectory(storeDir);
        var path = Path.Combine(Path.GetFullPath(storeDir), DatabaseFileName);
        if (!OperatingSystem.IsWindows() && !File.Exists(path))
        {
            try
            {
                using var created = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Security.PrivateFiles.FileMode,
                });
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first.
            }
        }
        StoreMigrator.Migrate(path, assistantName, log);
        return new NanoClawStore(new StoreConnections(path), log);
    }
}
