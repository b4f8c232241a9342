using NanoClaw.Shell.SafeFs;

namespace NanoClaw.Shell.Ipc;

public sealed partial class IpcWatcher
{
    /// <summary>
    /// The inbox's directory handle, opened from the group's handle without following a link. Re-pinned when the
    /// entry now names another directory (the agent deleted, replaced or swapped it); a link or anything else there is
    /// removed by <see cref="SafeDirectory.OpenChild"/> and the inbox has no handle until a real directory is back.
    /// </summary>
    /// <param name="repinned">True when the handle is new: the directory must be listed (files may predate its watcher).</param>
    private SafeDirectory? Pin(IpcInbox inbox, out bool repinned)
    {
        repinned = false;
        var group = inbox.Group;
        lock (group.Gate)
        {
            if (group.Removed) return null;
            var parent = group.Handle ??= OpenGroup(group);
            if (parent is null) return null;
            var current = parent.IdentityOf(inbox.Name);
            if (inbox.Handle is not null && current == inbox.PinnedId) return inbox.Handle;
            inbox.Unpin();
            inbox.Backlog.Clear(); // names listed from the old directory
            if (current is null) return null;
            SafeDirectory pinned;
            try
            {
                pinned = parent.OpenChild(inbox.Name);
            }
            catch (SafeFsException e)
            {
                log.Warning("IPC directory of {Folder} refused: {Reason}", group.Folder, e.Message);
                return null;
            }
            inbox.Handle = pinned;
            inbox.PinnedId = pinned.Identity();
            // Hints only: whatever the path names when an event fires, files are reached through the handle.
            inbox.Watcher = NewWatcher(inbox.Path,
                name => { if (name.EndsWith(".json", StringComparison.Ordinal)) Schedule(inbox, relist: true); },
                () => Schedule(inbox, relist: true));
            repinned = true;
            return pinned;
        }
    }

    /// <summary>Opens <c>data/ipc/&lt;folder&gt;</c> (a host-owned entry) and watches it, non-recursively, for messages/ and tasks/ being replaced.</summary>
    private SafeDirectory? OpenGroup(IpcGroup group)
    {
        if (root.Kind(group.Folder) != EntryKind.Directory) return null;
        var handle = root.OpenChild(group.Folder);
        group.Watcher = NewWatcher(group.Path,
            name =>
            {
                foreach (var inbox in group.Inboxes)
                    if (name == inbox.Name) Schedule(inbox, relist: true);
            },
            () => { foreach (var inbox in group.Inboxes) Schedule(inbox, relist: true); });
        return handle;
    }

    /// <summary>
    /// A non-recursive watch whose events only call <paramref name="changed"/> with the entry's name (new and old name
    /// for renames, deletions too) and never touch the file system; all watches share one inotify instance
    /// (<see cref="DirectoryEvents"/>). Null when the directory cannot be watched (gone, replaced, watch limit): the
    /// safety scan covers it.
    /// </summary>
    private IDisposable? NewWatcher(string path, Action<string> changed, Action overflow)
    {
        var watch = events.Watch(path, name =>
        {
            if (!stopping.IsCancellationRequested) changed(name);
        }, () =>
        {
            if (stopping.IsCancellationRequested) return;
            log.Debug("IPC watch on {Path} lost events or its directory; rescanning", path);
            overflow();
        });
        if (watch is null) log.Debug("IPC directory {Path} not watched", path);
        return watch;
    }
}
