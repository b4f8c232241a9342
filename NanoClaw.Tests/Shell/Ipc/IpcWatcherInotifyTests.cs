using System.Collections.Concurrent;
using NanoClaw.Shell.Ipc;
using Serilog;

namespace NanoClaw.Tests.Shell.Ipc;

/// <summary>Runs alone: it counts this process's inotify instances, which parallel tests would change.</summary>
[CollectionDefinition("inotify instances", DisableParallelization = true)]
public sealed class InotifyInstancesCollection;

/// <summary>
/// A Linux user has 128 inotify instances for all its processes, and every FileSystemWatcher takes one: a watcher per
/// inbox exhausted them with ~40 groups (the daemon, and every other process of that user, then failed to watch).
/// </summary>
[Collection("inotify instances")]
public sealed class IpcWatcherInotifyTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("nanoclaw-ipc-").FullName;
    private readonly ConcurrentDictionary<string, byte> handled = new();

    [Fact]
    public async Task Two_hundred_groups_share_one_inotify_instance_and_a_new_file_is_still_seen_through_events()
    {
        if (!OperatingSystem.IsLinux()) return; // the limit and the shared instance are Linux's
        for (var i = 0; i < 200; i++)
        {
            foreach (var dir in new[] { "messages", "tasks" }) Directory.CreateDirectory(Path.Combine(root, $"g{i}", dir));
            // One file per group: once all are handled, every group's inboxes are pinned and watched.
            File.WriteAllText(Path.Combine(root, $"g{i}", "tasks", "early.json"), "{}");
        }
        var before = InotifyInstances();

        // The safety scan is an hour away: only events can find the file written after the start.
        using var watcher = new IpcWatcher(root, (f, _) => { handled[f.SourceFolder + "/" + f.Name] = 0; return Task.FromResult<string?>(null); },
            TimeSpan.FromHours(1), new LoggerConfiguration().CreateLogger());
        for (var i = 0; i < 600 && handled.Count < 200; i++) await Task.Delay(50);
        Assert.Equal(200, handled.Count);
        var started = InotifyInstances();
        var path = Path.Combine(root, "g199", "messages", "late.json");
        File.WriteAllText(path + ".tmp", "{}");
        File.Move(path + ".tmp", path);
        for (var i = 0; i < 600 && !handled.ContainsKey("g199/late.json"); i++) await Task.Delay(50);

        Assert.True(handled.ContainsKey("g199/late.json"), "a file written after the start was not seen");
        Assert.InRange(started - before, 0, 1);
    }

    private static int InotifyInstances() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
            .Count(f => { try { return f.LinkTarget?.Contains("inotify", StringComparison.Ordinal) == true; } catch (IOException) { return false; } });

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}
