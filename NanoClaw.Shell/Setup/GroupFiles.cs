using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;

namespace NanoClaw.Shell.Setup;

/// <summary>A registered group's folder: <c>groups/&lt;folder&gt;/logs</c> and its memory file <c>CLAUDE.md</c>.</summary>
public static class GroupFiles
{
    public const string MemoryFileName = "CLAUDE.md";

    /// <summary>Creates the folder, its logs directory and (when missing) the memory file; never overwrites memory.</summary>
    /// <returns>The group's absolute folder.</returns>
    public static string Ensure(string groupsDir, RegisteredGroup group, string assistantName)
    {
        var folder = GroupFolder.ResolveUnder(groupsDir, group.Folder).Match(f => f, reason => throw new ArgumentException(reason));
        Directory.CreateDirectory(Path.Combine(folder, "logs"));
        var memory = Path.Combine(folder, MemoryFileName);
        if (!File.Exists(memory)) File.WriteAllText(memory, MemoryTemplate(group, assistantName));
        return folder;
    }

    /// <summary>The starting memory: who the chat is and how the file is used. The agent edits it from then on.</summary>
    public static string MemoryTemplate(RegisteredGroup group, string assistantName) =>
        $"""
        # {group.Name}

        {assistantName}'s memory for this chat ({(group.IsMain ? "the main chat: the owner's private control channel" : "a chat with its own folder")}).
        {assistantName} reads this file at the start of every conversation and keeps it up to date:
        facts worth remembering, preferences, ongoing work. Edit it freely.

        """;
}
