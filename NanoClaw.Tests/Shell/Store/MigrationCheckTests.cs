using Dapper;
using NanoClaw.Shell.Store;
using NanoClaw.Tests.Support;
using Serilog.Core;
using static NanoClaw.Tests.Shell.Store.StoreTestSupport;

namespace NanoClaw.Tests.Shell.Store;

/// <summary>
/// The open's fast path (issue 16): a store Evolve already brought up to the embedded scripts skips every migration
/// step; anything short of that (a missing script, an edited one, a missing folder index) still takes the full path.
/// Real SQLite files, real Evolve.
/// </summary>
[Trait("Category", "Startup")]
public sealed class MigrationCheckTests
{
    private static bool IsCurrent(string path)
    {
        using var c = OpenRaw(path);
        return MigrationCheck.IsCurrent(c);
    }

    private static int EvolveLines(List<string> lines) => lines.Count(l => l.Contains("Evolve:", StringComparison.Ordinal));

    [Fact]
    public void A_migrated_store_is_current_and_its_next_open_runs_no_Evolve()
    {
        using var dir = new TempStoreDir();
        var (firstLog, firstLines) = CollectingLogger();
        NanoClawStore.Open(dir.StoreDir, "Andy", firstLog);
        Assert.True(EvolveLines(firstLines) > 0, "the first open migrates through Evolve");
        // The checksums this check computes are the ones Evolve recorded.
        Assert.True(IsCurrent(dir.DatabasePath));

        var before = Dump(dir.DatabasePath);
        var (secondLog, secondLines) = CollectingLogger();
        NanoClawStore.Open(dir.StoreDir, "Andy", secondLog);
        Assert.Equal(0, EvolveLines(secondLines));
        Assert.Equal(before, Dump(dir.DatabasePath));
    }

    [Fact]
    public void A_store_without_the_newest_migration_is_not_current_and_the_open_applies_it()
    {
        using var dir = new TempStoreDir();
        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        using (var c = OpenRaw(dir.DatabasePath)) StoreRollback.To(c, keepThrough: 7);
        Assert.False(IsCurrent(dir.DatabasePath));

        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        Assert.True(IsCurrent(dir.DatabasePath));
        Assert.Contains("proxy_calls", Dump(dir.DatabasePath));
    }

    [Fact]
    public void A_store_without_the_folder_index_is_not_current_and_the_open_creates_it()
    {
        using var dir = new TempStoreDir();
        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        using (var c = OpenRaw(dir.DatabasePath)) c.Execute($"DROP INDEX {FolderCaseIndex.IndexName}");
        Assert.False(IsCurrent(dir.DatabasePath));

        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        Assert.True(IsCurrent(dir.DatabasePath));
    }

    [Fact]
    public void An_applied_script_whose_checksum_differs_still_reaches_Evolve_which_refuses_it()
    {
        using var dir = new TempStoreDir();
        NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        using (var c = OpenRaw(dir.DatabasePath))
            c.Execute($"UPDATE {StoreMigrator.MetadataTable} SET checksum = '00000000000000000000000000000000' WHERE name LIKE 'V3__%'");
        Assert.False(IsCurrent(dir.DatabasePath));

        var refused = Assert.ThrowsAny<Exception>(() => NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None));
        Assert.Contains("checksum", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_empty_or_foreign_database_is_not_current()
    {
        using var dir = new TempStoreDir();
        Directory.CreateDirectory(dir.StoreDir);
        using (var c = OpenRaw(dir.DatabasePath)) c.Execute("CREATE TABLE evolve_changelog (x INTEGER)");
        Assert.False(IsCurrent(dir.DatabasePath));
        File.Delete(dir.DatabasePath);
        using (var c = OpenRaw(dir.DatabasePath)) Assert.False(MigrationCheck.IsCurrent(c));
    }
}
