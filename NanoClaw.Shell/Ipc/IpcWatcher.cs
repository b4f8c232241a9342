using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Threading.Channels;
using NanoClaw.Shell.SafeFs;
using Serilog;

namespace NanoClaw.Shell.Ipc;

/// <summary>
/// Finds IPC request files as soon as they appear (file-system events) and on a safety scan, hands each to the handler
/// exactly once, deletes it on success, and moves it to <c>data/ipc/errors/</c> with a reason file on failure. A bad
/// file never stops the watcher, and no group's directory can make it wait, follow a link, or starve another group:
/// events only mark an inbox as having work; a few workers take inboxes round-robin, a bounded number of files per
/// turn, and touch files only through <see cref="SafeDirectory"/> handles. See README.md beside this file.
/// </summary>
public sealed partial class IpcWatcher : IDisposable
{
    /// <summary>Request files larger than this are refused (never read past it).</summary>
    public const long MaxFileBytes = 1 << 20;

    /// <summary>Files one inbox may handle per turn before the next inbox in line gets a worker.</summary>
    public const int FilesPerTurn = 16;

    /// <summary>Worker tasks handling files: a small fixed number, whatever the number of groups or files.</summary>
    public const int Workers = 2;

    /// <summary>Names kept from one listing; a larger directory is listed again once these are done.</summary>
    internal const int MaxBacklog = 4096;

    private const string ErrorsName = "errors";

    private readonly string ipcRoot;
    private readonly Func<IpcFile, string, Task<string?>> handle;
    private readonly ILogger log;
    private readonly SafeDirectory root;
    private readonly SafeDirectory errors;
    private readonly object errorsGate = new();
    private readonly object scanGate = new();
    private readonly ConcurrentDictionary<string, IpcGroup> groups = new(StringComparer.Ordinal);
    // Each inbox is in here at most once (see Schedule): the queue is bounded by twice the number of groups.
    private readonly Channel<IpcInbox> ready = Channel.CreateUnbounded<IpcInbox>();
    private readonly CancellationTokenSource stopping = new();
    private readonly DirectoryEvents events = new();
    private readonly IDisposable? rootWatcher;
    private readonly Task[] workers;
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
        root = SafeDirectory.OpenOrCreate(ipcRoot);
        errors = root.OpenOrCreateChild(ErrorsName);
        // data/ipc itself is host-owned: one non-recursive watch for group directories appearing.
        rootWatcher = NewWatcher(ipcRoot, name => EnsureGroup(name), () => Task.Run(ScanNow));
        workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(WorkAsync)).ToArray();
        scan = Observable.Interval(scanInterval, scheduler ?? System.Reactive.Concurrency.TaskPoolScheduler.Default)
            .Subscribe(_ => ScanNow());
        ScanNow();
    }

    public string ErrorsDir => Path.Combine(ipcRoot, ErrorsName);

    /// <summary>
    /// The safety net (also runs at start): finds group directories, drops vanished ones, and has every inbox checked
    /// (re-pinned if the agent replaced it, listed again). Reads only the host-owned <c>data/ipc</c>; the inboxes
    /// themselves are looked at by the workers.
    /// </summary>
    public void ScanNow()
    {
        lock (scanGate)
        {
            try
            {
                var present = root.List().Where(name => name != ErrorsName && root.Kind(name) == EntryKind.Directory).ToHashSet(StringComparer.Ordinal);
                foreach (var (folder, group) in groups)
                {
                    if (present.Contains(folder)) continue;
                    if (groups.TryRemove(folder, out _)) group.Dispose();
                }
                foreach (var folder in present) EnsureGroup(folder);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                log.Warning("IPC scan failed: {Error}", e.Message);
            }
        }
    }

    /// <summary>Registers a group directory (no I/O: the worker opens it) and has both its inboxes looked at.</summary>
    private void EnsureGroup(string folder)
    {
        if (folder == ErrorsName || folder.Contains('/') || stopping.IsCancellationRequested) return;
        var group = groups.GetOrAdd(folder, f => new IpcGroup(f, Path.Combine(ipcRoot, f)));
        foreach (var inbox in group.Inboxes) Schedule(inbox, relist: true);
    }

    /// <summary>Marks an inbox as having work and queues it unless it is queued or running already. No I/O.</summary>
    private void Schedule(IpcInbox inbox, bool relist)
    {
        lock (inbox)
        {
            if (relist) inbox.Relist = true;
            if (inbox.Status != IpcInbox.Turn.Idle || inbox.Group.Removed) return;
            inbox.Status = IpcInbox.Turn.Queued;
        }
        ready.Writer.TryWrite(inbox);
    }

    private async Task WorkAsync()
    {
        try
        {
            // Not cancelled by token: Dispose completes the channel, so an idle worker ends without throwing (one
            // exception per worker at every daemon stop before, issue 16); an inbox still queued at stop is left alone.
            await foreach (var inbox in ready.Reader.ReadAllAsync())
            {
                if (stopping.IsCancellationRequested) break;
                lock (inbox) inbox.Status = IpcInbox.Turn.Running;
                try
                {
                    await TurnAsync(inbox);
                }
                catch (Exception e)
                {
                    log.Warning("IPC {Folder}/{Dir}: {Error}", inbox.Group.Folder, inbox.Name, e.Message);
                }
                bool again;
                lock (inbox)
                {
                    // Back of the line: the other inboxes waiting get their turn first.
                    again = !inbox.Group.Removed && !stopping.IsCancellationRequested && (inbox.Backlog.Count > 0 || inbox.Relist);
                    inbox.Status = again ? IpcInbox.Turn.Queued : IpcInbox.Turn.Idle;
                }
                if (again) ready.Writer.TryWrite(inbox);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One turn: make sure the inbox is pinned, list it if its backlog is empty and something may have arrived, handle up to <see cref="FilesPerTurn"/> files.</summary>
    private async Task TurnAsync(IpcInbox inbox)
    {
        // Take the "something may have arrived" mark now: what arrives during this turn marks the inbox again.
        bool relist;
        lock (inbox)
        {
            relist = inbox.Relist;
            if (inbox.Backlog.Count == 0) inbox.Relist = false;
        }
        var directory = Pin(inbox, out var repinned);
        if (directory is null)
        {
            inbox.Backlog.Clear();
            return;
        }
        if (inbox.Backlog.Count == 0)
        {
            if (!relist && !repinned) return;
            var more = false;
            foreach (var name in directory.EnumerateNames())
            {
                if (!name.EndsWith(".json", StringComparison.Ordinal)) continue; // writers' name.json.tmp, anything else
                if (inbox.Backlog.Count == MaxBacklog) { more = true; break; }
                inbox.Backlog.Enqueue(name);
            }
            if (more) lock (inbox) inbox.Relist = true;
        }
        for (var i = 0; i < FilesPerTurn && inbox.Backlog.TryDequeue(out var name); i++)
            await ProcessAsync(inbox, directory, name);
    }

    public void Dispose()
    {
        scan.Dispose();
        rootWatcher?.Dispose();
        events.Dispose();
        stopping.Cancel();
        ready.Writer.TryComplete();
        // A handler in progress finishes before the handles it uses are closed (bounded: the handler is ours, not the agent's).
        try
        {
            if (!Task.WaitAll(workers, TimeSpan.FromSeconds(10))) log.Warning("IPC workers still busy at shutdown");
        }
        catch (AggregateException)
        {
        }
        lock (scanGate)
        {
            foreach (var group in groups.Values) group.Dispose();
            groups.Clear();
        }
        errors.Dispose();
        root.Dispose();
        stopping.Dispose();
    }
}
