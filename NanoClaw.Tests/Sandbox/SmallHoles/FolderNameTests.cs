using System.Text.Json;

namespace NanoClaw.Tests.Sandbox.SmallHoles;

/// <summary>
/// F15 and F16 against the real daemon: main's agent (prompt-injected, or the user) asks to register groups in folders
/// the host uses for itself, or in a folder that differs from another group's only in case.
/// </summary>
[Trait("Category", "Sandbox")]
public sealed class FolderNameTests
{
    private static string Register(string jid, string folder) =>
        JsonSerializer.Serialize(new { type = "register_group", jid, name = folder, folder, trigger = "@Andy" });

    [Fact]
    public async Task Main_cannot_register_a_group_in_a_folder_the_host_uses_for_itself()
    {
        var (daemon, mainChat) = await SmallHolesDaemon.StartAsync();
        await using var _ = daemon;
        await using var __ = mainChat;

        string[] reserved = ["errors", "ERRORS", "Global", "snapshots", "proxy", "Runs"];
        var files = reserved.Select((folder, i) => SmallHolesDaemon.WriteIpc(daemon, "main", "tasks", $"reg{i}", Register($"local:r{i}", folder))).ToArray();
        // A legitimate one after them, so "handled" also means "the daemon went on".
        var ok = SmallHolesDaemon.WriteIpc(daemon, "main", "tasks", "reg-ok", Register("local:books", "books"));
        await SmallHolesDaemon.HandledAsync([.. files, ok]);
        await SmallHolesDaemon.WaitUntil(() => SmallHolesDaemon.Groups(daemon).Any(g => g.Folder == "books"), "the legitimate group");

        var groups = SmallHolesDaemon.Groups(daemon);
        Assert.DoesNotContain(groups, g => reserved.Contains(g.Folder, StringComparer.OrdinalIgnoreCase));
        Assert.Equal(["books", "main"], groups.Select(g => g.Folder).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(daemon.Root, "groups", "errors")));
        var log = SmallHolesDaemon.ReadLog(daemon);
        Assert.Contains("'errors' is reserved", log, StringComparison.Ordinal);
        // The errors directory is still the host's: nothing of a group's was set up there.
        Assert.False(Directory.Exists(Path.Combine(daemon.IpcDir, "errors", "input")));
    }

    [Fact]
    public async Task Main_cannot_register_a_second_group_in_a_folder_that_differs_only_in_case()
    {
        var (daemon, mainChat) = await SmallHolesDaemon.StartAsync();
        await using var _ = daemon;
        await using var __ = mainChat;

        await SmallHolesDaemon.HandledAsync(SmallHolesDaemon.WriteIpc(daemon, "main", "tasks", "reg1", Register("local:family", "family")));
        await SmallHolesDaemon.WaitUntil(() => SmallHolesDaemon.Groups(daemon).Any(g => g.Folder == "family"), "the first group");
        var second = SmallHolesDaemon.WriteIpc(daemon, "main", "tasks", "reg2", Register("local:family2", "Family"));
        var third = SmallHolesDaemon.WriteIpc(daemon, "main", "tasks", "reg3", Register("local:family3", "FAMILY"));
        var ok = SmallHolesDaemon.WriteIpc(daemon, "main", "tasks", "reg4", Register("local:work", "work"));
        await SmallHolesDaemon.HandledAsync(second, third, ok);
        await SmallHolesDaemon.WaitUntil(() => SmallHolesDaemon.Groups(daemon).Any(g => g.Folder == "work"), "the legitimate group");

        var groups = SmallHolesDaemon.Groups(daemon);
        Assert.Equal([("local:family", "family")], groups.Where(g => g.Folder.Equals("family", StringComparison.OrdinalIgnoreCase)));
        Assert.Contains("differs only in case", SmallHolesDaemon.ReadLog(daemon), StringComparison.Ordinal);
        Assert.Equal(["family", "global", "main", "work"],
            Directory.GetDirectories(Path.Combine(daemon.Root, "groups")).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal));
    }
}
