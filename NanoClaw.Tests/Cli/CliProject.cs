using NanoClaw.Shell.Store;
using NanoClaw.Tests.Shell.Config;

namespace NanoClaw.Tests.Cli;

/// <summary>
/// A project directory for running the real <c>nanoclaw</c> executable: its own HOME (so the mount allowlist and
/// service files never touch the real home), optional config and credentials, and a fake container CLI.
/// </summary>
public sealed class CliProject : IDisposable
{
    public CliProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "nanoclaw-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Home);
    }

    public string Root { get; }
    public string Home => Path.Combine(Root, "home");
    public string StoreDir => Path.Combine(Root, "store");
    public string GroupsDir => Path.Combine(Root, "groups");
    public string DataDir => Path.Combine(Root, "data");
    public string DatabasePath => Path.Combine(StoreDir, NanoClawStore.DatabaseFileName);
    public string AllowlistPath => Path.Combine(Home, ".config", "nanoclaw", "mount-allowlist.json");

    /// <summary>Extra environment for every run (HOME is always this project's).</summary>
    public Dictionary<string, string> Env { get; } = new();

    public NanoclawProcess.Result Run(params string[] args)
    {
        var env = new Dictionary<string, string>(Env) { ["HOME"] = Home, ["XDG_CONFIG_HOME"] = "" };
        return NanoclawProcess.Run(Root, env, args);
    }

    public CliProject WithConfig(string yaml)
    {
        File.WriteAllText(Path.Combine(Root, "config.yml"), yaml);
        return this;
    }

    public CliProject WithCredentials(string yaml = "anthropic_api_key: sk-ant-test-key-not-real\n")
    {
        File.WriteAllText(Path.Combine(Root, "credentials.yml"), yaml);
        return this;
    }

    /// <summary>Opens (creating and migrating) the store directly, for seeding and inspecting.</summary>
    public NanoClawStore Store() => NanoClawStore.Open(StoreDir, "Andy", Serilog.Core.Logger.None);

    /// <summary>
    /// A fake container CLI that answers <c>info</c> (unless told not to) and <c>image inspect</c> for the listed images only,
    /// pointed to by NANOCLAW_CONTAINER_EXECUTABLE.
    /// </summary>
    public string UseFakeRuntime(bool answers = true, params string[] images)
    {
        var path = Path.Combine(Root, "fake-runtime");
        var known = string.Join(" ", images.Select(i => $"'{i}'"));
        File.WriteAllText(path, $$"""
            #!/bin/sh
            printf '%s\n' "$*" >> '{{Root}}/fake-runtime.log'
            case "$1" in
              info|system) {{(answers ? "exit 0" : "echo 'Cannot connect to the runtime' >&2; exit 125")}} ;;
              --version) echo 'fake 1.0'; exit 0 ;;
              image)
                for known in {{known}}; do [ "$3" = "$known" ] && { echo '[{}]'; exit 0; }; done
                echo "Error: $3: image not known" >&2; exit 125 ;;
              *) exit 0 ;;
            esac
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Env["NANOCLAW_CONTAINER_EXECUTABLE"] = path;
        return path;
    }

    /// <summary>A runtime that cannot be started at all.</summary>
    public void UseMissingRuntime() => Env["NANOCLAW_CONTAINER_EXECUTABLE"] = Path.Combine(Root, "no-such-runtime");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
