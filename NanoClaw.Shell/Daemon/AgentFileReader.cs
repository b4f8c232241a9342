using NanoClaw.Core.Media;
using NanoClaw.Shell.SafeFs;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// Reads a file an agent asked to send (<c>send_file</c>) from its group folder or media, with the sandbox's rules:
/// every directory on the way is opened by handle without following links, and the file itself must be a regular
/// file with one link and at most the size cap (<see cref="SafeDirectory.ReadFile"/>). Nothing is followed, created or
/// removed. Returns the bytes or the exact reason for refusing.
/// </summary>
public static class AgentFileReader
{
    /// <param name="rootDir">Host directory behind the path's root: <c>groups/&lt;folder&gt;</c> or <c>data/media/&lt;folder&gt;</c>.</param>
    /// <param name="path">The checked container path.</param>
    /// <param name="maxBytes">Size cap (<c>media.max_send_mb</c>).</param>
    public static (byte[]? Bytes, string? Refusal) Read(string rootDir, OutboundFilePath path, long maxBytes)
    {
        if (!Directory.Exists(rootDir)) return (null, $"{path.ContainerPath}: {(path.Root == FileRoot.Media ? "there is no media folder" : "the group folder does not exist")}");
        var opened = new List<SafeDirectory>();
        try
        {
            var current = SafeDirectory.Open(rootDir);
            opened.Add(current);
            var walked = path.Root == FileRoot.Group ? OutboundFilePath.GroupPrefix.TrimEnd('/') : OutboundFilePath.MediaPrefix.TrimEnd('/');
            foreach (var name in path.Segments.Take(path.Segments.Count - 1))
            {
                walked += "/" + name;
                var kind = current.Kind(name);
                if (kind != EntryKind.Directory) return (null, $"{walked} {SafeDirectory.Describe(kind)}, not a directory");
                current = current.OpenChild(name);
                opened.Add(current);
            }
            return current.ReadFile(path.FileName, maxBytes) switch
            {
                SafeRead.Ok ok => (ok.Bytes, null),
                SafeRead.Refused refused => (null, $"{path.ContainerPath} {refused.Reason}"),
                _ => (null, $"{path.ContainerPath} could not be read"),
            };
        }
        catch (IOException e)
        {
            return (null, $"{path.ContainerPath} could not be read: {e.Message}");
        }
        finally
        {
            foreach (var dir in opened) dir.Dispose();
        }
    }

    /// <summary>The name shown with a document: the agent's last path segment, without control or path characters, at most 120 characters.</summary>
    public static string DisplayName(OutboundFilePath path)
    {
        var clean = new string(path.FileName.Where(c => !char.IsControl(c) && c is not ('/' or '\\')).ToArray()).Trim();
        if (clean.Length > 120) clean = clean[^120..];
        return clean.Length == 0 ? "file" : clean;
    }
}
