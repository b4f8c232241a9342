using NanoClaw.Tests.Shell.Store;
using static NanoClaw.Tests.Shell.Config.NanoclawProcess;

namespace NanoClaw.Tests.Shell.Config;

/// <summary><c>nanoclaw groups list</c> as a user runs it, against real NanoClaw databases.</summary>
public sealed class GroupsListCommandTests
{
    [Fact]
    public void Works_in_a_directory_holding_only_config_yml_and_an_old_NanoClaw_store()
    {
        using var dir = new TempStoreDir();
        File.Copy(Path.Combine(NanoClaw.Tests.Support.Requirements.RepoRoot(), "config.yml"), Path.Combine(dir.Root, "config.yml"));
        dir.CreateLegacyDatabase("newest.sql");

        var result = Run(dir.Root, null, "groups", "list");

        Assert.Equal(0, result.ExitCode);
        var lines = result.StdOut.TrimEnd().Split('\n').Select(l => l.TrimEnd()).ToArray();
        // The table, then the line saying where run logs are (no container can reach them).
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("Container run logs: ", lines[3]);
        Assert.Matches(@"^JID\s+NAME\s+FOLDER\s+MAIN$", lines[0]);
        Assert.Matches(@"^15551234567@s\.whatsapp\.net\s+Me\s+main\s+yes$", lines[1]);
        Assert.Matches(@"^120363001@g\.us\s+Family\s+family\s+no$", lines[2]);
        Assert.DoesNotContain("../escape", result.StdOut);
        Assert.Contains("invalid folder", result.StdErr); // the broken row is reported, not listed
        Assert.False(HasStackTrace(result.StdErr));
        // Migrated in place, nothing else created beside it.
        Assert.Equal(["config.yml", "store"], Directory.GetFileSystemEntries(dir.Root).Select(p => Path.GetFileName(p)!).Order().ToArray());
        Assert.Contains("outbox", StoreTestSupport.Dump(dir.DatabasePath));
    }

    [Fact]
    public void Oldest_stage_store_with_legacy_json_state_lists_the_imported_groups()
    {
        using var dir = new TempStoreDir();
        File.WriteAllText(Path.Combine(dir.Root, "config.yml"), "assistant:\n  name: Andy\n");
        dir.CreateLegacyDatabase("oldest.sql");
        Directory.CreateDirectory(dir.DataDir);
        foreach (var file in Directory.GetFiles(StoreTestSupport.Fixture("oldest-data")))
            File.Copy(file, Path.Combine(dir.DataDir, Path.GetFileName(file)));

        var result = Run(dir.Root, null, "groups", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"(?m)^15551234567@s\.whatsapp\.net\s+Me\s+main\s+yes\s*$", result.StdOut);
        Assert.Matches(@"(?m)^120363001@g\.us\s+Family\s+family\s+no\s*$", result.StdOut);
        Assert.True(File.Exists(Path.Combine(dir.DataDir, "registered_groups.json.migrated")));
    }

    [Fact]
    public void Several_processes_opening_an_old_store_at_once_migrate_it_exactly_once()
    {
        using var dir = new TempStoreDir();
        dir.CreateLegacyDatabase("middle.sql");
        var messagesBefore = StoreTestSupport.Count(dir.DatabasePath, "messages");

        var results = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => Run(dir.Root, null, "groups", "list")).ToList();

        Assert.All(results, r => Assert.Equal(0, r.ExitCode));
        Assert.All(results, r => Assert.Contains("family", r.StdOut));
        Assert.Equal(messagesBefore, StoreTestSupport.Count(dir.DatabasePath, "messages"));
        // Every migration exactly once: as many rows as migration scripts ship.
        var migrations = typeof(NanoClaw.Shell.Store.StoreMigrator).Assembly.GetManifestResourceNames().Count(n => n.Contains("Migrations.V", StringComparison.Ordinal));
        Assert.True(migrations >= 8, $"expected the migration scripts as resources, found {migrations}");
        Assert.Equal(migrations, StoreTestSupport.Count(dir.DatabasePath, "evolve_changelog WHERE name LIKE 'V%'"));
        Assert.Equal(3, StoreTestSupport.Columns(dir.DatabasePath, "messages").Count(c => c.StartsWith("reply_to_")));
    }

    [Fact]
    public void An_empty_installation_says_there_are_no_groups()
    {
        using var dir = new TempStoreDir();
        var result = Run(dir.Root, null, "groups", "list");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("No registered groups.", result.StdOut.Trim().Split('\n')[0]);
        Assert.StartsWith("Container run logs: ", result.StdOut.Trim().Split('\n')[1]);
    }

    [Fact]
    public void A_store_that_is_not_a_database_exits_1_with_one_line()
    {
        using var dir = new TempStoreDir();
        Directory.CreateDirectory(dir.StoreDir);
        File.WriteAllText(dir.DatabasePath, "this is not an SQLite file, it is a shopping list: eggs, milk, bread, and more text to fill a page");

        var result = Run(dir.Root, null, "groups", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("nanoclaw groups list: ", result.StdErr);
        Assert.Single(result.StdErr.TrimEnd().Split('\n'));
        Assert.False(HasStackTrace(result.StdErr));
    }
}
