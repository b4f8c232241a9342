namespace NanoClaw.Shell.Ipc;

/// <summary>Which IPC request directory a file was found in.</summary>
public enum IpcDirectory
{
    Messages,
    Tasks,
}

/// <summary>
/// A request file found in <c>data/ipc/&lt;folder&gt;/{messages,tasks}</c>; the folder is the sender's identity.
/// <see cref="Path"/> is where it was found, for messages only: the watcher itself reaches files through pinned directory handles.
/// </summary>
public sealed record IpcFile(string SourceFolder, IpcDirectory Directory, string Path, string Name);
