using System.Text.Json.Nodes;

namespace NanoClaw.Tests.Agent;

/// <summary>
/// A temp directory laid out like the container's /workspace (group, global, ipc/{input,messages,tasks}, extra)
/// plus the .claude session store, for one runner run on the host or bind-mounted into the image.
/// </summary>
public sealed class AgentWorkspace : IDisposable
{
    public AgentWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "nanoclaw-agent-" + Guid.NewGuid().ToString("N")[..12]);
        foreach (var dir in new[] { Group, Global, Extra, Input, Messages, Tasks, ClaudeHome, Snapshots })
        {
            Directory.CreateDirectory(dir);
        }
        // The image runs as uid 1000 while tests may run as root: let both write.
        foreach (var dir in Directory.GetDirectories(Root, "*", SearchOption.AllDirectories).Append(Root))
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);
    }

    public string Root { get; }
    public string Workspace => Path.Combine(Root, "workspace");
    public string Group => Path.Combine(Workspace, "group");
    public string Global => Path.Combine(Workspace, "global");
    public string Extra => Path.Combine(Workspace, "extra");
    public string Ipc => Path.Combine(Workspace, "ipc");
    public string Input => Path.Combine(Ipc, "input");
    public string Messages => Path.Combine(Ipc, "messages");
    public string Tasks => Path.Combine(Ipc, "tasks");
    /// <summary>The host's read-only snapshots (<c>/workspace/snapshots</c> in the image).</summary>
    public string Snapshots => Path.Combine(Workspace, "snapshots");
    /// <summary>The repository's skills: the daemon mounts them read-only at <c>~/.claude/skills</c>.</summary>
    public static string Skills => Path.Combine(NanoClaw.Tests.Support.Requirements.RepoRoot(), "container", "skills");
    /// <summary>HOME for the host runner; its .claude is what the image mounts at /home/node/.claude.</summary>
    public string Home => Path.Combine(Root, "home");
    public string ClaudeHome => Path.Combine(Home, ".claude");

    /// <summary>Writes a follow-up message the way the host does (temp file, then rename).</summary>
    public void WriteInput(string text)
    {
        var name = $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}-{Guid.NewGuid().ToString("N")[..6]}.json";
        var path = Path.Combine(Input, name);
        File.WriteAllText(path + ".tmp", new JsonObject { ["type"] = "message", ["text"] = text }.ToJsonString());
        File.Move(path + ".tmp", path);
    }

    public void WriteClose() => File.WriteAllText(Path.Combine(Input, "_close"), "");

    public IReadOnlyList<string> MessageFiles() => Directory.GetFiles(Messages).Order().ToList();

    public IReadOnlyList<string> TaskFiles() => Directory.GetFiles(Tasks).Order().ToList();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Files written by the container's uid may resist; the temp dir is left for the OS to clean.
        }
    }
}
