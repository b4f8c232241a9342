using System.Collections.Concurrent;
using NanoClaw.Shell.Ipc;
using Serilog;

namespace NanoClaw.Tests.Shell.Ipc;

public sealed class IpcWatcherTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("nanoclaw-ipc-").FullName;
    private readonly ConcurrentBag<(IpcFile File, string Text)> handled = [];

    private IpcWatcher Start(Func<IpcFile, string, string?> decide, TimeSpan? scan = null) =>
        new(root, (f, text) => { handled.Add((f, text)); return Task.FromResult(decide(f, text)); },
            scan ?? TimeSpan.FromHours(1), new LoggerConfiguration().CreateLogger());

    private string Write(string folder, string dir, string name, string text)
    {
        var target = Path.Combine(root, folder, dir);
        Directory.CreateDirectory(target);
        var tmp = Path.Combine(target, name + ".tmp");
        File.WriteAllText(tmp, text);
        var path = Path.Combine(target, name);
        File.Move(tmp, path);
        return path;
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(25);
        Assert.True(condition());
    }

    [Fact]
    public async Task A_renamed_file_is_handled_once_with_its_sender_folder_and_then_deleted()
    {
        using var watcher = Start((_, _) => null);
        var path = Write("family", "messages", "1.json", "{\"type\":\"message\"}");
        await Eventually(() => !File.Exists(path));
        watcher.ScanNow();
        await Task.Delay(100);
        var only = Assert.Single(handled);
        Assert.Equal(("family", IpcDirectory.Messages, "1.json"), (only.File.SourceFolder, only.File.Directory, only.File.Name));
    }

    [Fact]
    public async Task A_failed_file_is_moved_to_errors_with_its_reason_and_the_watcher_keeps_going()
    {
        using var watcher = Start((f, _) => f.Name == "bad.json" ? "unknown type 'nope'" : null);
        var bad = Write("family", "tasks", "bad.json", "{\"type\":\"nope\"}");
        var good = Write("family", "tasks", "good.json", "{}");
        var moved = Path.Combine(root, "errors", "family-bad.json");
        await Eventually(() => File.Exists(moved + ".reason.txt") && !File.Exists(good));
        Assert.False(File.Exists(bad));
        Assert.Contains("unknown type 'nope'", File.ReadAllText(moved + ".reason.txt"));
    }

    [Fact]
    public async Task Files_present_before_start_are_found_by_the_initial_scan_and_tmp_files_are_ignored()
    {
        var early = Write("main", "messages", "early.json", "{}");
        File.WriteAllText(Path.Combine(root, "main", "messages", "partial.json.tmp"), "{");
        using var watcher = Start((_, _) => null);
        await Eventually(() => !File.Exists(early));
        Assert.True(File.Exists(Path.Combine(root, "main", "messages", "partial.json.tmp")));
        Assert.Single(handled);
    }

    [Fact]
    public async Task Symlinks_and_oversized_files_are_refused_without_being_read()
    {
        using var watcher = Start((_, _) => null);
        var secret = Path.Combine(root, "..", Path.GetFileName(root) + "-secret.txt");
        File.WriteAllText(secret, "do not read");
        var dir = Path.Combine(root, "family", "messages");
        Directory.CreateDirectory(dir);
        File.CreateSymbolicLink(Path.Combine(dir, "link.json"), secret);
        Write("family", "messages", "huge.json", new string('x', (int)IpcWatcher.MaxFileBytes + 1));
        watcher.ScanNow();
        await Eventually(() => File.Exists(Path.Combine(root, "errors", "family-link.json.reason.txt"))
                               && File.Exists(Path.Combine(root, "errors", "family-huge.json.reason.txt")));
        Assert.Empty(handled);
        Assert.Equal("do not read", File.ReadAllText(secret));
        File.Delete(secret);
    }

    public void Dispose() => Directory.Delete(root, true);
}
