using Dapper;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Store;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Shell.Store;

/// <summary>F16 in the store: folders unique regardless of case, and a moved-over database that already breaks it.</summary>
public sealed class FolderCaseTests : IDisposable
{
    private readonly TempStoreDir dir = new();

    public void Dispose() => dir.Dispose();

    private static RegisteredGroup Group(string jid, string folder, string addedAt = "2026-01-01T00:00:00.000Z") =>
        new(jid, folder, folder, "@Andy", addedAt, None, true, false);

    [Fact]
    public void A_folder_that_differs_only_in_case_is_refused_naming_the_other_chat()
    {
        var (log, _) = StoreTestSupport.CollectingLogger();
        var store = NanoClawStore.Open(dir.StoreDir, "Andy", log);
        Assert.True(store.Groups.Upsert(Group("a@g.us", "family")).IsRight);

        var refused = store.Groups.Upsert(Group("b@g.us", "Family"));

        Assert.Equal("folder 'Family' differs only in case from folder 'family' of chat 'a@g.us' (family); folders are unique regardless of case",
            refused.Match(_ => "", r => r));
        // The index holds it even for a writer that skips the repository's check.
        using var c = StoreTestSupport.OpenRaw(dir.DatabasePath);
        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => c.Execute(
            "INSERT INTO registered_groups (jid, name, folder, trigger_pattern, added_at) VALUES ('c@g.us', 'x', 'FAMILY', '@Andy', 't')"));
        // Re-registering the same chat in its own folder, in another case, is an update, not a collision.
        Assert.True(store.Groups.Upsert(Group("a@g.us", "FAMILY")).IsRight);
    }

    [Fact]
    public void A_collision_in_a_moved_over_database_is_reported_at_boot_and_only_the_first_group_is_served_until_resolved()
    {
        dir.CreateLegacyDatabase("newest.sql");
        using (var c = StoreTestSupport.OpenRaw(dir.DatabasePath))
        {
            c.Execute("DELETE FROM registered_groups");
            c.Execute("""
                INSERT INTO registered_groups (jid, name, folder, trigger_pattern, added_at, requires_trigger, is_main) VALUES
                  ('first@g.us', 'First', 'family', '@Andy', '2025-01-01T00:00:00.000Z', 1, 0),
                  ('second@g.us', 'Second', 'Family', '@Andy', '2025-06-01T00:00:00.000Z', 1, 0),
                  ('other@g.us', 'Other', 'work', '@Andy', '2025-03-01T00:00:00.000Z', 1, 0)
                """);
        }
        var (log, lines) = StoreTestSupport.CollectingLogger();

        var store = NanoClawStore.Open(dir.StoreDir, "Andy", log); // no exception: the boot goes on

        var error = Assert.Single(lines, l => l.StartsWith("Error:", StringComparison.Ordinal));
        Assert.Contains("first@g.us", error);
        Assert.Contains("second@g.us", error);
        Assert.Contains("nanoclaw groups remove --jid second@g.us", error);
        Assert.Equal(["first@g.us", "other@g.us"], store.Groups.All().Map(g => g.Jid).OrderBy(j => j));
        Assert.Single(store.Groups.FolderCollisions());
        Assert.Equal(3L, StoreTestSupport.Count(dir.DatabasePath, "registered_groups")); // nothing deleted

        // The user resolves it; the next open creates the index and reports nothing.
        Assert.True(store.Groups.Remove("second@g.us"));
        var (log2, lines2) = StoreTestSupport.CollectingLogger();
        var reopened = NanoClawStore.Open(dir.StoreDir, "Andy", log2);
        Assert.DoesNotContain(lines2, l => l.StartsWith("Error:", StringComparison.Ordinal));
        using var check = StoreTestSupport.OpenRaw(dir.DatabasePath);
        Assert.Equal(1L, check.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = @n", new { n = FolderCaseIndex.IndexName }));
        Assert.True(reopened.Groups.Upsert(Group("second@g.us", "FAMILY")).IsLeft);
    }
}
