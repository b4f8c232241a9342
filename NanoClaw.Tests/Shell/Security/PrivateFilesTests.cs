using NanoClaw.Core.Config;
using NanoClaw.Shell.Security;
using NanoClaw.Shell.Store;
using NanoClaw.Shell.Logging;
using Serilog;

namespace NanoClaw.Tests.Shell.Security;

/// <summary>F10: the store, logs, data and credentials are private to the daemon's user, whatever the umask.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateFilesTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "nanoclaw-modes-" + Guid.NewGuid().ToString("N"));

    public PrivateFilesTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, true);

    private NanoClawOptions Options => NanoClawOptions.Default with
    {
        Paths = new PathOptions(Path.Combine(root, "store"), Path.Combine(root, "groups"), Path.Combine(root, "data")),
        Logging = new LoggingOptions("INFO", Path.Combine(root, "logs", "nanoclaw.log")),
    };

    [Fact]
    public void A_new_store_and_log_are_created_private()
    {
        var store = NanoClawStore.Open(Options.Paths.StoreDir, "Andy", new LoggerConfiguration().CreateLogger());
        // Held open until the checks: SQLite deletes -wal and -shm when the last connection closes, and another test's
        // SqliteConnection.ClearAllPools() can close the store's pooled one at any moment (seen: -wal missing).
        using var holder = NanoClaw.Tests.Shell.Store.StoreTestSupport.OpenRaw(store.DatabasePath);
        store.Messages.SetLastGroupSync(DateTimeOffset.UnixEpoch); // a write, so -wal and -shm exist
        using (var log = LogSetup.Create(Options.Logging, new SecretRedactor(), toFile: true)) log.Information("x");

        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(Options.Paths.StoreDir));
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(Path.Combine(root, "logs")));
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var path = Path.Combine(Options.Paths.StoreDir, "messages.db" + suffix);
            Assert.True(File.Exists(path), path);
            Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(path) & ~UnixFileMode.None);
        }
    }

    [Fact]
    public void Existing_open_files_are_reported_and_tightened_without_following_links()
    {
        var open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        Directory.CreateDirectory(Path.Combine(Options.Paths.StoreDir, "auth"), open | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(Options.Paths.StoreDir, open | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        var creds = Path.Combine(root, "credentials.yml");
        File.WriteAllText(creds, "anthropic_api_key: x\n");
        File.SetUnixFileMode(creds, open);
        // A link where the data directory should be: reported nowhere, and its target left alone.
        var elsewhere = Path.Combine(root, "elsewhere");
        Directory.CreateDirectory(elsewhere, open | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        Directory.CreateSymbolicLink(Options.Paths.DataDir, elsewhere);

        var found = PrivateFiles.TooOpen(PrivateFiles.Expected(Options, root)).Select(x => x.Entry.Path).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([creds, Options.Paths.StoreDir, Path.Combine(Options.Paths.StoreDir, "auth")], found);

        PrivateFiles.Secure(Options, root, new LoggerConfiguration().CreateLogger());

        Assert.Empty(PrivateFiles.TooOpen(PrivateFiles.Expected(Options, root)));
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(creds));
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(Path.Combine(Options.Paths.StoreDir, "auth")));
        Assert.True((File.GetUnixFileMode(elsewhere) & UnixFileMode.OtherRead) != 0);
    }

    [Fact]
    public void Shared_memory_stays_readable_by_containers_under_a_private_umask()
    {
        var global = Path.Combine(root, "groups", "global");
        Directory.CreateDirectory(Path.Combine(global, "notes"), PrivateFiles.DirectoryMode);
        File.SetUnixFileMode(global, PrivateFiles.DirectoryMode);
        var memory = Path.Combine(global, "CLAUDE.md");
        File.WriteAllText(memory, "shared");
        File.SetUnixFileMode(memory, PrivateFiles.FileMode);
        var outside = Path.Combine(root, "secret.txt");
        File.WriteAllText(outside, "x");
        File.SetUnixFileMode(outside, PrivateFiles.FileMode);
        File.CreateSymbolicLink(Path.Combine(global, "link"), outside);

        PrivateFiles.MakeReadableByContainers(global, new LoggerConfiguration().CreateLogger());

        Assert.True((File.GetUnixFileMode(global) & UnixFileMode.OtherExecute) != 0);
        Assert.True((File.GetUnixFileMode(Path.Combine(global, "notes")) & UnixFileMode.OtherRead) != 0);
        Assert.True((File.GetUnixFileMode(memory) & UnixFileMode.OtherRead) != 0);
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(outside)); // the link was not followed
    }
}
