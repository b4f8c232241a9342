namespace NanoClaw.Shell.WhatsApp.Sidecar;

/// <summary>Where the sidecar lives and how to run it. Tests point this at the fake sidecar.</summary>
/// <param name="NodePath">The node executable (a name on PATH or a full path).</param>
/// <param name="Directory">The sidecar's directory (working directory of the process).</param>
/// <param name="EntryScript">Script to run, relative to <paramref name="Directory"/>.</param>
/// <param name="AuthDir">Baileys auth folder (normally <c>store/auth</c>), absolute.</param>
/// <param name="Environment">Extra environment variables for the process.</param>
public sealed record SidecarOptions(
    string NodePath,
    string Directory,
    string EntryScript,
    string AuthDir,
    IReadOnlyDictionary<string, string>? Environment = null)
{
    /// <summary>The real sidecar shipped in <c>NanoClaw.Shell/WhatsApp/sidecar</c> under the project root.</summary>
    public static SidecarOptions ForProject(string projectRoot, string authDir, string nodePath = "node") =>
        new(nodePath, Path.Combine(projectRoot, "NanoClaw.Shell", "WhatsApp", "sidecar"), Path.Combine("src", "main.mjs"), authDir);

    /// <summary>
    /// The sidecar of an installation: <c>NANOCLAW_SIDECAR_DIR</c> or the source tree's
    /// <c>NanoClaw.Shell/WhatsApp/sidecar</c> under the project root, <c>NANOCLAW_NODE</c> or <c>node</c>,
    /// and auth under <c>{storeDir}/auth</c>.
    /// </summary>
    public static SidecarOptions Locate(string projectRoot, string storeDir, Func<string, string?> env)
    {
        var fromProject = ForProject(projectRoot, Path.Combine(storeDir, "auth"), env("NANOCLAW_NODE") is { Length: > 0 } node ? node : "node");
        return env("NANOCLAW_SIDECAR_DIR") is { Length: > 0 } dir ? fromProject with { Directory = Path.GetFullPath(dir) } : fromProject;
    }

    /// <summary>The command that installs the sidecar's packages, as the user should type it.</summary>
    public const string InstallCommand = "bash scripts/install-sidecar.sh";

    /// <summary>
    /// Why the sidecar cannot start, if it cannot: its script is missing, or it declares npm packages
    /// that are not installed. Checked before every start so the user gets the fix, not a Node stack trace.
    /// </summary>
    public string? MissingPieces()
    {
        var script = Path.Combine(Directory, EntryScript);
        if (!File.Exists(script))
            return $"the WhatsApp sidecar is missing: {script} does not exist (run from the project root, or set NANOCLAW_SIDECAR_DIR to the sidecar folder)";
        var packageJson = Path.Combine(Directory, "package.json");
        if (File.Exists(packageJson) && !System.IO.Directory.Exists(Path.Combine(Directory, "node_modules")))
            return $"the WhatsApp sidecar's npm packages are not installed ({Path.Combine(Directory, "node_modules")} is missing); install them with: {InstallCommand}";
        return null;
    }
}
