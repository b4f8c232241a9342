using System.Text.RegularExpressions;
using LanguageExt;

namespace NanoClaw.Core.Groups;

/// <summary>Rules for group folder names: they become paths on the host, so they are the first line of defence.</summary>
public static partial class GroupFolder
{
    /// <summary>Folder of the user's private control chat.</summary>
    public const string Main = "main";

    /// <summary>Reserved folder holding memory shared (read-only) with every non-main group.</summary>
    public const string Global = "global";

    // \z, not $: in .NET '$' also matches before a final newline, which let "family\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Checks a folder name: <c>^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$</c> and not <c>global</c> in any case.</summary>
    /// <returns>The name, or the reason it is refused.</returns>
    public static Either<string, string> Validate(string? folder) =>
        folder is null || !Pattern().IsMatch(folder)
            ? Prelude.Left<string, string>($"invalid folder name '{folder}': use 1-64 letters, digits, '_' or '-', starting with a letter or digit")
            : string.Equals(folder, Global, StringComparison.OrdinalIgnoreCase)
                ? Prelude.Left<string, string>($"invalid folder name '{folder}': 'global' is reserved")
                : Prelude.Right<string, string>(folder);

    /// <summary>True when <paramref name="folder"/> passes <see cref="Validate"/>.</summary>
    public static bool IsValid(string? folder) => Validate(folder).IsRight;

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
