using NanoClaw.Core.Security;
using Serilog;

namespace NanoClaw.Shell.Security;

/// <summary>
/// Holds the current sender allowlist and re-reads the file when it changes (file-system events, plus a slow
/// safety poll of its size and time stamp). Each change of policy is logged and reported to <see cref="Changed"/>.
/// </summary>
public sealed class SenderAllowlistWatcher : IDisposable
{
    private readonly string path;
    private readonly ILogger log;
    private readonly FileSystemWatcher? watcher;
    private readonly ITimer debounce;
    private readonly ITimer poll;
    private readonly Lock gate = new();
    private (bool Exists, long Length, DateTime Written) stamp;
    private volatile SenderAllowlist current;

    /// <param name="path">The allowlist file (its directory is created so it can be watched).</param>
    /// <param name="pollInterval">Safety poll; file-system events are the primary path.</param>
    public SenderAllowlistWatcher(string path, ILogger log, TimeProvider clock, TimeSpan? pollInterval = null)
    {
        this.path = Path.GetFullPath(path);
        this.log = log.ForContext<SenderAllowlistWatcher>();
        current = Read(initial: true);
        stamp = Stamp();
        debounce = clock.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var every = pollInterval ?? TimeSpan.FromSeconds(5);
        poll = clock.CreateTimer(_ => { if (Stamp() != stamp) Reload(); }, null, every, every);
        try
        {
            var dir = Path.GetDirectoryName(this.path)!;
            Directory.CreateDirectory(dir);
            watcher = new FileSystemWatcher(dir, Path.GetFileName(this.path))
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            FileSystemEventHandler soon = (_, _) => debounce.Change(TimeSpan.FromMilliseconds(150), Timeout.InfiniteTimeSpan);
            watcher.Changed += soon;
            watcher.Created += soon;
            watcher.Deleted += soon;
            watcher.Renamed += (_, _) => debounce.Change(TimeSpan.FromMilliseconds(150), Timeout.InfiniteTimeSpan);
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            this.log.Warning("Cannot watch {Path} ({Error}); changes are picked up by the {Seconds:0}s poll", this.path, e.Message, every.TotalSeconds);
        }
    }

    /// <summary>The policy in force.</summary>
    public SenderAllowlist Current => current;

    /// <summary>Raised (on a timer thread) after the policy was re-read.</summary>
    public event Action<SenderAllowlist>? Changed;

    private void Reload()
    {
        SenderAllowlist next;
        lock (gate)
        {
            stamp = Stamp();
            next = Read(initial: false);
            current = next;
        }
        Changed?.Invoke(next);
    }

    private SenderAllowlist Read(bool initial) =>
        SenderAllowlistLoader.Load(path).Match(
            found => found.Match(
                policy =>
                {
                    log.Information("Sender allowlist {Action} from {Path}: {Chats} chat rules, default {Default}", initial ? "loaded" : "reloaded",
                        path, policy.Chats.Count, Describe(policy.Default));
                    return policy;
                },
                () =>
                {
                    if (!initial) log.Information("Sender allowlist {Path} removed: everyone may trigger again", path);
                    return SenderAllowlist.AllowEveryone;
                }),
            reason =>
            {
                log.Error("Sender allowlist unusable ({Reason}); until it is fixed only your own messages trigger the agent, and every message is still stored", reason);
                return SenderAllowlistLoader.FailSafe;
            });

    private static string Describe(AllowlistEntry e) =>
        $"{(e.AllowAll ? "everyone" : e.Senders.Count + " senders")}, {e.Mode.ToString().ToLowerInvariant()} mode";

    private (bool, long, DateTime) Stamp()
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? (true, info.Length, info.LastWriteTimeUtc) : (false, 0, default);
        }
        catch (IOException)
        {
            return (false, 0, default);
        }
    }

    public void Dispose()
    {
        watcher?.Dispose();
        debounce.Dispose();
        poll.Dispose();
    }
}
