using System.Text.RegularExpressions;

namespace NanoClaw.Shell.Setup;

/// <summary>
/// Sets one top-level key of <c>credentials.yml</c> by editing its line, so every other key, comment and blank line
/// stays as the user wrote it (a YAML round trip would drop the comments). The file is written to a 0600 temporary
/// file and renamed over the old one, so a crash leaves either the old or the new file, never half of one.
/// </summary>
public static partial class CredentialsFileEditor
{
    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> (double-quoted), replacing its line or appending one.</summary>
    /// <remarks>Values are written in double quotes and must not need escaping (no quote, backslash or line break).</remarks>
    public static void Set(string path, string key, string value)
    {
        if (value.IndexOfAny(['"', '\\', '\n', '\r']) >= 0) throw new ArgumentException("the value needs YAML escaping", nameof(value));
        var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : [];
        var line = new Regex($"^{Regex.Escape(key)}[ \\t]*:");
        var entry = $"{key}: \"{value}\"";
        var index = lines.FindIndex(l => line.IsMatch(l));
        if (index >= 0)
            lines[index] = entry + TrailingComment().Match(lines[index][line.Match(lines[index]).Length..]).Value;
        else
            lines.Add(entry);

        var temp = path + ".tmp";
        File.Delete(temp);
        var streamOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, streamOptions))
        using (var writer = new StreamWriter(stream))
            foreach (var l in lines) writer.Write(l + "\n");
        File.Move(temp, path, overwrite: true);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>A comment after a plain or quoted value without quotes or <c>#</c> of its own (what the template has).</summary>
    [GeneratedRegex("""(?<=^[ \t]*("[^"#]*"|'[^'#]*'|[^"'#\s][^#]*?)?)[ \t]+#.*$""")]
    private static partial Regex TrailingComment();
}
