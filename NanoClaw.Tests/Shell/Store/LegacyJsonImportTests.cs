using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Store;
using Serilog.Core;
using static LanguageExt.Prelude;
using static NanoClaw.Tests.Shell.Store.StoreTestSupport;

namespace NanoClaw.Tests.Shell.Store;

/// <summary>NanoClaw's data/*.json state files are imported once and renamed *.migrated.</summary>
public sealed class LegacyJsonImportTests : IDisposable
{
    private readonly TempStoreDir dir = new();

    public void Dispose() => dir.Dispose();

    private void CopyLegacyJson()
    {
        Directory.CreateDirectory(dir.DataDir);
        foreach (var file in Directory.GetFiles(Fixture("oldest-data")))
            File.Copy(file, Path.Combine(dir.DataDir, Path.GetFileName(file)));
    }

    [Fact]
    public void Oldest_stage_state_files_are_imported_once_and_renamed()
    {
        dir.CreateLegacyDatabase("oldest.sql");
        CopyLegacyJson();
        var (log, lines) = CollectingLogger();
        var store = NanoClawStore.Open(dir.StoreDir, "Andy", log);

        var imported = LegacyJsonImport.Run(dir.DataDir, store, log);

        Assert.Equal(3, imported.Count);
        Assert.Equal("2025-02-01T10:04:00.000Z", store.RouterState.LastTimestamp());
        Assert.Equal(Map(("120363001@g.us", "2025-02-01T10:00:00.000Z")), store.RouterState.LastAgentTimestamps());
        Assert.Equal(Map(("family", "sess-old-family"), ("main", "sess-old-main")), store.Sessions.All());
        Assert.Equal(
            Seq(
                new RegisteredGroup("15551234567@s.whatsapp.net", "Me", "main", "@Andy", "2025-01-10T00:00:00.000Z", None, true, true),
                new RegisteredGroup("120363001@g.us", "Family", "family", "@Andy", "2025-01-11T00:00:00.000Z",
                    Some(new ContainerConfig(Seq1(new AdditionalMount("~/recipes", None, true)), None)), true, false)),
            store.Groups.All());
        Assert.Contains(lines, l => l.StartsWith("Warning") && l.Contains("120363002@g.us")); // the '../../etc' folder
        foreach (var name in new[] { "router_state.json", "sessions.json", "registered_groups.json" })
        {
            Assert.False(File.Exists(Path.Combine(dir.DataDir, name)));
            Assert.True(File.Exists(Path.Combine(dir.DataDir, name + ".migrated")));
        }

        Assert.Empty(LegacyJsonImport.Run(dir.DataDir, store, log)); // once
    }

    [Fact]
    public void Cursors_from_the_file_never_move_stored_cursors_backwards()
    {
        var store = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        store.RouterState.SetLastTimestamp("2030-01-01T00:00:00.000Z");
        store.RouterState.SetLastAgentTimestamp("120363001@g.us", "2030-01-01T00:00:00.000Z");
        CopyLegacyJson();

        LegacyJsonImport.Run(dir.DataDir, store, Logger.None);

        Assert.Equal("2030-01-01T00:00:00.000Z", store.RouterState.LastTimestamp());
        Assert.Equal(Some("2030-01-01T00:00:00.000Z"), store.RouterState.LastAgentTimestamps().Find("120363001@g.us"));
    }

    [Fact]
    public void An_unreadable_file_is_left_in_place_with_a_warning()
    {
        var store = NanoClawStore.Open(dir.StoreDir, "Andy", Logger.None);
        Directory.CreateDirectory(dir.DataDir);
        var path = Path.Combine(dir.DataDir, "sessions.json");
        File.WriteAllText(path, "{ \"main\": ");
        var (log, lines) = CollectingLogger();

        Assert.Empty(LegacyJsonImport.Run(dir.DataDir, store, log));

        Assert.True(File.Exists(path));
        Assert.Contains(lines, l => l.StartsWith("Warning") && l.Contains("sessions.json"));
        Assert.True(store.Sessions.All().IsEmpty);
    }
}
