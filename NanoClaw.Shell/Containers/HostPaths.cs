using LanguageExt;
using NanoClaw.Core.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Containers;

/// <summary>Turns user-written host paths into real paths (<c>~</c> expanded, every symlink resolved) for the allowlist.</summary>
public static class HostPaths
{
    private const int MaxLinkHops = 40;

    /// <summary>The user's home directory.</summary>
    public static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>
    /// The real path of <paramref name="path"/> after <c>~</c> expansion, resolving symlinks in every component
    /// (like realpath(3)); none when it does not exist or a link loops.
    /// </summary>
    public static Option<string> RealPath(string path, string? home = null)
    {
        var expanded = MountPolicy.ExpandHome(path.Trim(), home ?? Home);
        if (expanded.Length == 0) return None;
        var full = Path.GetFullPath(expanded);
        var pending = new Stack<string>(full.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = "/";
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }
            var next = current == "/" ? "/" + part : current + "/" + part;
            FileSystemInfo info = new FileInfo(next);
            if (!info.Exists)
            {
                info = new DirectoryInfo(next);
                if (!info.Exists && info.LinkTarget is null) return None;
            }
            var target = info.LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++hops > MaxLinkHops) return None;
            // Re-walk the link's target from its directory (or from / when absolute), then the remaining components.
            if (target.StartsWith('/')) current = "/";
            foreach (var p in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse()) pending.Push(p);
        }
        return Directory.Exists(current) || File.Exists(current) ? Some(current) : None;
    }
}
