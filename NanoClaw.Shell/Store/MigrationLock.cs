namespace NanoClaw.Shell.Store;

/// <summary>
/// Serialises migrations between processes (the daemon starting while <c>nanoclaw groups list</c> runs) and
/// threads: an exclusive lock on <c>messages.db.lock</c> beside the database. Evolve cannot lock an SQLite
/// database itself, and two migrators racing could both record the same version.
/// </summary>
internal sealed class MigrationLock : IDisposable
{
    private readonly FileStream stream;

    private MigrationLock(FileStream stream) => this.stream = stream;

    public static MigrationLock Acquire(string databasePath, TimeSpan timeout)
    {
        var path = databasePath + ".lock";
        var deadline = DateTime.UtcNow + timeout; // wall-clock wait only, no decision depends on it
        while (true)
        {
            try
            {
                // FileShare.None takes an advisory exclusive lock (flock) on Unix, released when the stream closes.
                return new MigrationLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(25);
            }
        }
    }

    public void Dispose() => stream.Dispose();
}
