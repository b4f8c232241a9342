using NanoClaw.Shell.SafeFs;

namespace NanoClaw.Shell.Ipc;

/// <summary>One group's <c>data/ipc/&lt;folder&gt;</c>: its pinned handle, the watcher on it, and its two inboxes.</summary>
internal sealed class IpcGroup : IDisposable
{
    public IpcGroup(string folder, string path)
    {
        Folder = folder;
        Path = path;
        Inboxes = [new IpcInbox(this, IpcDirectory.Messages), new IpcInbox(this, IpcDirectory.Tasks)];
    }

    public string Folder { get; }

    /// <summary>Absolute <c>data/ipc/&lt;folder&gt;</c>, for watchers and messages.</summary>
    public string Path { get; }

    public IpcInbox[] Inboxes { get; }

    /// <summary>Guards the handles and watchers below (pinning, re-pinning, disposal).</summary>
    public object Gate { get; } = new();

    /// <summary>The trusted <c>data/ipc/&lt;folder&gt;</c> directory (its entry is host-owned; its content is the agent's).</summary>
    public SafeDirectory? Handle { get; set; }

    public IDisposable? Watcher { get; set; }

    public volatile bool Removed;

    public void Dispose()
    {
        lock (Gate)
        {
            Removed = true;
            foreach (var inbox in Inboxes) inbox.Unpin();
            Watcher?.Dispose();
            Watcher = null;
            Handle?.Dispose();
            Handle = null;
        }
    }
}
