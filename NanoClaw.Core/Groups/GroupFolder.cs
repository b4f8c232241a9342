using System.Text.RegularExpressions;
using LanguageExt;
using NanoClaw.Core.Domain;

namespace NanoClaw.Core.Groups;

/// <summary>Rules for group folder names: they become paths on the host, so they are the first line of defence.</summary>
public static partial class GroupFolder
{
    /// <summary>Folder of the user's private control chat.</summary>
    public const string Main = "main";

    /// <summary>Reserved folder holding memory shared (read-only) with every non-main group.</summary>
    public const string Global = "global";

    /// <summary>
    /// Names no group may take, in any case: the host keeps directories of these names beside the group folders
    /// (<c>groups/global</c>, <c>data/ipc/errors</c>, and the host-only <c>snapshots</c>, <c>proxy</c> and
    /// <c>runs</c> directories). A group given one of them would be handed the host's directory as its own.
    /// </summary>
    public static IReadOnlyList<string> Reserved { get; } = [Global, "errors", "snapshots", "proxy", "runs"];

    // \z, not $: in .NET '$' also matches before a final newline, which let "family\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>
    /// Checks a folder name: <c>^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$</c> and none of <see cref="Reserved"/> in any case.
    /// </summary>
    /// <returns>The name, or the reason it is refused.</returns>
    public static Either<string, string> Validate(string? folder)
    {
        if (folder is null || !Pattern().IsMatch(folder))
            return Prelude.Left<string, string>($"invalid folder name '{folder}': use 1-64 letters, digits, '_' or '-', starting with a letter or digit");
        var reserved = Reserved.FirstOrDefault(r => SameFolder(r, folder));
        return reserved is null
            ? Prelude.Right<string, string>(folder)
            : Prelude.Left<string, string>($"invalid folder name '{folder}': '{reserved}' is reserved (in any case, the host uses these names for its own directories: {string.Join(", ", Reserved)})");
    }

    /// <summary>True when <paramref name="folder"/> passes <see cref="Validate"/>.</summary>
    public static bool IsValid(string? folder) => Validate(folder).IsRight;

    /// <summary>True when <paramref name="folder"/> is one of <see cref="Reserved"/>, in any case.</summary>
    public static bool IsReserved(string? folder) => folder is not null && Reserved.Any(r => SameFolder(r, folder));

    /// <summary>
    /// Whether two folder names name the same directory on a case-insensitive file system (macOS): folders are
    /// compared this way everywhere a collision matters. Valid names are ASCII, so ordinal case folding is exact.
    /// </summary>
    public static bool SameFolder(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The registered group, other than chat <paramref name="jid"/>, whose folder is <paramref name="folder"/>
    /// regardless of case: folders are unique per chat, so registering <paramref name="jid"/> there is refused.
    /// </summary>
    public static Option<RegisteredGroup> OwnerOfFolder(IEnumerable<RegisteredGroup> groups, string folder, string jid) =>
        groups.Where(g => g.Jid != jid && SameFolder(g.Folder, folder)).Select(Prelude.Some).FirstOrDefault();

    /// <summary>The reason a folder taken by <paramref name="owner"/> is refused, naming both spellings.</summary>
    public static string FolderTaken(string folder, RegisteredGroup owner) =>
        SameFolder(folder, owner.Folder) && folder != owner.Folder
            ? $"folder '{folder}' differs only in case from folder '{owner.Folder}' of chat '{owner.Jid}' ({owner.Name}); folders are unique regardless of case"
            : $"folder '{folder}' is already used by chat '{owner.Jid}' ({owner.Name}); folders are unique regardless of case";

    /// <summary>
    /// Joins a validated folder to an absolute base directory and checks that the result stays inside it.
    /// Pure path arithmetic: no file system access.
    /// </summary>
    public static Either<string, string> ResolveUnder(string baseDirectory, string folder) =>
        Validate(folder).Bind(valid =>
        {
            var root = Path.GetFullPath(baseDirectory);
            var full = Path.GetFullPath(Path.Combine(root, valid));
            var rootWithSep = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
            return full.StartsWith(rootWithSep, StringComparison.Ordinal)
                ? Prelude.Right<string, string>(full)
                : Prelude.Left<string, string>($"folder '{folder}' resolves outside {root}");
        });
}
