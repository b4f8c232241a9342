using System.Collections.Concurrent;
using System.Reactive.Linq;
using Serilog;

namespace NanoClaw.Shell.Ipc;

/// <summary>Which IPC request directory a file was found in.</summary>
public enum IpcDirectory
{
    Messages,
    Tasks,
}

/// <summary>A request file found in <c>data/ipc/&lt;folder&gt;/{messages,tasks}</c>; the folder is the sender's identity.</summary>
public sealed record IpcFile(string SourceFolder, IpcDirectory Directory, string Path, string Name);

/// <summary>
/// Finds IPC request files as soon as they appear (file-system events) and on a safety scan, hands
/// each to the handler exactly once, deletes it on success, and moves it to <c>data/ipc/errors/</c>
/// with a reason file on failure. A bad file never stops the watcher.
/// </summary>
public sealed class IpcWatcher : IDisposable
{
    /// <summary>Request files larger than this are refused unread.</summary>
    public const long MaxFileBytes = 1 << 20;

    private readonly string ipcRoot;
    private readonly Func<IpcFile, string, Task<string?>> handle;
    private readonly ILogger log;
    private readonly ConcurrentDictionary<string, byte> inFlight = new();
    private readonly FileSystemWatcher watcher;
    private readonly IDisposable scan;

    /// <param name="ipcRoot">Absolute <c>data/ipc</c>.</param>
    /// <param name="handle">Processes one file's text; returns null on success or the reason it failed.</param>
    /// <param name="scanInterval">Safety scan period (<c>timing.ipc_poll_interval_ms</c>).</param>
    public IpcWatcher(string ipcRoot, Func<IpcFile, string, Task<string?>> handle, TimeSpan scanInterval, ILogger log,
        System.Reactive.Concurrency.IScheduler? scheduler = null)
    {
        this.ipcRoot = ipcRoot;
        this.handle = handle;
        this.log = log;
        Directory.CreateDirectory(ipcRoot);
        Directory.CreateDirectory(ErrorsDir);
        watcher = new FileSystemWatcher(ipcRoot)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName,
            InternalBufferSize = 64 * 1024,
        };
        // Writers create name.json.tmp then rename: the rename is the signal.
        watcher.Renamed += (_, e) => Consider(e.FullPath);
        // A directory created just now may already hold files written before its watch was added.
        watcher.Created += (_, e) =>
        {
            if (Directory.Exists(e.FullPath)) ConsiderTree(e.FullPath);
            else Consider(e.FullPath);
        };
        watcher.Error += (_, e) => log.Warning("IPC watcher overflow, rescanning: {Error}", e.GetException().Message);
        watcher.EnableRaisingEvents = true;
        scan = Observable.Interval(scanInterval, scheduler ?? System.Reactive.Concurrency.TaskPoolScheduler.Default)
            .Subscribe(_ => ScanNow());
        ScanNow();
    }

    public string ErrorsDir => Path.Combine(ipcRoot, "errors");

    /// <summary>Looks at every request file now (the safety net; also runs at start).</summary>
    public void ScanNow()
    {
        try
        {
            foreach (var groupDir in Directory.EnumerateDirectories(ipcRoot))
            {
                if (Path.GetFileName(groupDir) == "errors") continue;
                foreach (var sub in new[] { "messages", "tasks" })
                {
                    var dir = Path.Combine(groupDir, sub);
                    if (!Directory.Exists(dir)) continue;
                    foreach (var file in Directory.EnumerateFiles(dir)) Consider(file);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning("IPC scan failed: {Error}", e.Message);
        }
    }

    private void ConsiderTree(string directory)
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories)) Consider(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Debug("IPC directory vanished while scanning: {Error}", e.Message);
        }
    }

    private void Consider(string path)
    {
        var file = Classify(path);
        if (file is null || !inFlight.TryAdd(path, 0)) return;
        _ = Task.Run(() => ProcessAsync(file));
    }

    private IpcFile? Classify(string path)
    {
        var relative = Path.GetRelativePath(ipcRoot, path).Split(Path.DirectorySeparatorChar);
        if (relative.Length != 3 || relative[0] == "errors" || !relative[2].EndsWith(".json", StringComparison.Ordinal)) return null;
        IpcDirectory? kind = relative[1] switch
        {
            "messages" => IpcDirectory.Messages,
            "tasks" => IpcDirectory.Tasks,
            _ => null,
        };
        if (kind is null) return null;
        // A group may replace its messages/ or tasks/ directory by a symbolic link (it owns that mount): following it
        // would let the host consume, and move aside, files anywhere the link points. Linked directories are ignored.
        if (IsLinkedDirectory(Path.Combine(ipcRoot, relative[0])) || IsLinkedDirectory(Path.Combine(ipcRoot, relative[0], relative[1])))
        {
            log.Debug("IPC path {Path} goes through a symbolic link; ignored", path);
            return null;
        }
        return new IpcFile(relative[0], kind.Value, path, relative[2]);
    }

    private async Task ProcessAsync(IpcFile file)
    {
        try
        {
            if (!File.Exists(file.Path) && !IsSymlink(file.Path)) return; // already handled
            var failure = Precheck(file) ?? await handle(file, await File.ReadAllTextAsync(file.Path));
            if (failure is null) File.Delete(file.Path);
            else MoveAside(file, failure);
        }
        catch (Exception e)
        {
            MoveAside(file, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            inFlight.TryRemove(file.Path, out _);
        }
    }

    private static bool IsSymlink(string path) => new FileInfo(path).LinkTarget is not null;

    private static bool IsLinkedDirectory(string path)
    {
        try
        {
            return new DirectoryInfo(path).LinkTarget is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    private static string? Precheck(IpcFile file)
    {
        var info = new FileInfo(file.Path);
        if (info.LinkTarget is not null) return "symbolic links are not accepted as IPC files";
        if (info.Length > MaxFileBytes) return $"file is {info.Length} bytes; the limit is {MaxFileBytes}";
        return null;
    }

    private void MoveAside(IpcFile file, string reason)
    {
        var target = Path.Combine(ErrorsDir, $"{file.SourceFolder}-{file.Name}");
        try
        {
            if (File.Exists(target)) target = Path.Combine(ErrorsDir, $"{file.SourceFolder}-{Guid.NewGuid():N}-{file.Name}");
            File.Move(file.Path, target);
            File.WriteAllText(target + ".reason.txt", reason + Environment.NewLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Error("Could not move bad IPC file {File} aside: {Error}", file.Path, e.Message);
            try { File.Delete(file.Path); } catch (IOException) { }
        }
        log.Warning("IPC file {Folder}/{Dir}/{Name} refused: {Reason}", file.SourceFolder, file.Directory, file.Name, reason);
    }

    public void Dispose()
    {
        watcher.Dispose();
        scan.Dispose();
    }
}
