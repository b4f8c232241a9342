using NanoClaw.Shell.SafeFs;

namespace NanoClaw.Shell.Ipc;

/// <summary>
/// One request directory (<c>messages/</c> or <c>tasks/</c>) of one group: the handle it is pinned by, its watcher, the
/// names listed and not yet handled, and its place in the work queue. At most one worker runs a turn for it at a time.
/// </summary>
internal sealed class IpcInbox(IpcGroup group, IpcDirectory directory)
{
    public enum Turn
    {
        Idle,
        Queued,
        Running,
    }

    public IpcGroup Group { get; } = group;
    public IpcDirectory Directory { get; } = directory;
    public string Name { get; } = directory == IpcDirectory.Messages ? "messages" : "tasks";
    public string Path => System.IO.Path.Combine(Group.Path, Name);

    // Scheduling state, guarded by lock (this).
    public Turn Status { get; set; }

    /// <summary>Something may have arrived: list the directory again once the backlog is done.</summary>
    public bool Relist { get; set; }

    // Owned by the worker running this inbox's turn.
    public Queue<string> Backlog { get; } = new();

    // Guarded by Group.Gate.
    public SafeDirectory? Handle { get; set; }
    public SafeDirectory.FileId PinnedId { get; set; }
    public IDisposable? Watcher { get; set; }

    /// <summary>Drops the handle and watcher (the directory is gone or was replaced). Call under Group.Gate.</summary>
    public void Unpin()
    {
        Watcher?.Dispose();
        Watcher = null;
        Handle?.Dispose();
        Handle = null;
    }
}
