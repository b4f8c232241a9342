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

    [Fact]
    public void The_written_down_checksums_are_the_MD5_Evolve_computes_for_every_embedded_script()
    {
        // Evolve's checksum: MD5 of the script's UTF-8 text as read (BOM dropped), upper-case hex. A new or edited
        // script fails here until MigrationChecksums lists it.
        var assembly = typeof(StoreMigrator).Assembly;
        var computed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(StoreMigrator.ResourcePrefix + ".V", StringComparison.Ordinal)))
        {
            using var text = new StreamReader(assembly.GetManifestResourceStream(resource)!, System.Text.Encoding.UTF8);
            var parts = resource.Split('.');
            computed[parts[^2] + "." + parts[^1]] = Convert.ToHexString(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text.ReadToEnd())));
        }
        Assert.Equal(computed.OrderBy(kv => kv.Key), MigrationChecksums.ByScript.OrderBy(kv => kv.Key));
        Assert.Equal(computed.Keys.Order(), MigrationCheck.EmbeddedNames().Order());
    }

    [Fact]
    public void A_script_the_table_does_not_list_makes_no_store_current_so_Evolve_runs()
    {
        var expected = MigrationCheck.ExpectedFor(["V1__nanoclaw_schema.sql", "V10__not_listed.sql"]);
        Assert.Equal(MigrationChecksums.ByScript["V1__nanoclaw_schema.sql"], expected["V1__nanoclaw_schema.sql"]);
        Assert.Equal("", expected["V10__not_listed.sql"]);
    }
}
