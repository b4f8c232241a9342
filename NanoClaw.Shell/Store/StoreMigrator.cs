using Dapper;
using EvolveDb;
using EvolveDb.Dialect;
using Serilog;

namespace NanoClaw.Shell.Store;

/// <summary>
/// Migrates the store at startup: WAL on, the legacy column upgrade, then the Evolve migrations embedded
/// in this assembly (<c>Store/Migrations/V*__*.sql</c>).
/// </summary>
public static class StoreMigrator
{
    /// <summary>Evolve's bookkeeping table (named so it cannot be mistaken for a NanoClaw table).</summary>
    public const string MetadataTable = "evolve_changelog";

    internal const string ResourcePrefix = "NanoClaw.Shell.Store.Migrations";

    public static void Migrate(string databasePath, string assistantName, ILogger log)
    {
        // Foreign keys off while upgrading: NanoClaw ran with them on, but a damaged old file may hold
        // orphan rows, and an upgrade must never refuse (or drop) rows the user already has.
        using var migrating = MigrationLock.Acquire(databasePath, TimeSpan.FromSeconds(60));
        var connections = new StoreConnections(databasePath, foreignKeys: false);
        using var connection = connections.Open();
        connection.Execute("PRAGMA journal_mode = WAL;");
        // The usual open (every CLI command, every daemon start): nothing to migrate, so none of the steps below runs.
        if (MigrationCheck.IsCurrent(connection)) return;
        LegacySchemaUpgrade.Apply(connection, assistantName, log);
        var applied = RunEvolve(connection, log);
        FolderCaseIndex.Ensure(connection, log);
        if (applied > 0)
            log.Information("Store migrated: {Count} migration(s) applied to {Path}", applied, databasePath);
    }

    /// <summary>
    /// Evolve's run, in a method of its own so that an open on the fast path never loads Evolve's assembly (issue 16:
    /// the runtime resolves a method's types when it compiles or binds it, not when a line runs).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int RunEvolve(System.Data.Common.DbConnection connection, ILogger log)
    {
        var evolve = new Evolve(connection, message => log.Debug("Evolve: {Message}", message), DBMS.SQLite)
        {
            EmbeddedResourceAssemblies = [typeof(StoreMigrator).Assembly],
            EmbeddedResourceFilters = [ResourcePrefix],
            MetadataTableName = MetadataTable,
            IsEraseDisabled = true,
        };
        evolve.Migrate();
        return evolve.NbMigration;
    }
}
