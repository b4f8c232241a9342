using System.Security.Cryptography;
using System.Text;

namespace NanoClaw.Tests.Sandbox;

/// <summary>
/// Files and directories outside the attacking group's own directories that an agent must never be able to change
/// through the host: stand-ins for a shell start-up file, an SSH key file, the sender allowlist, the WhatsApp keys
/// and main's memory. Everything lives under the test's temporary project (its HOME included), so a successful
/// attack can never reach the real machine.
/// </summary>
public sealed class Victims
{
    private readonly string root;
    private readonly string home;

    public Victims(string root, string home)
    {
        this.root = root;
        this.home = home;
    }

    public string Bashrc => Path.Combine(home, ".bashrc");
    public string Profile => Path.Combine(home, ".profile");
    public string SshDir => Path.Combine(home, ".ssh");
    public string AuthorizedKeys => Path.Combine(SshDir, "authorized_keys");
    public string SenderAllowlist => Path.Combine(home, ".config", "nanoclaw", "sender-allowlist.json");
    public string AuthDir => Path.Combine(root, "store", "auth");
    public string Creds => Path.Combine(AuthDir, "creds.json");
    public string MainMemory => Path.Combine(root, "groups", "main", "CLAUDE.md");
    public string VictimDir => Path.Combine(home, "victim-dir");

    private IEnumerable<string> Files =>
    [
        Bashrc, Profile, AuthorizedKeys, SenderAllowlist, Creds, Path.Combine(AuthDir, "pre-key-1.json"),
        Path.Combine(AuthDir, "app-state-sync-key-AAAA.json"), MainMemory, Path.Combine(VictimDir, "keep.txt"),
    ];

    /// <summary>Directories whose whole tree (names and kinds, links not followed) must not change either.</summary>
    private IEnumerable<string> Trees => [SshDir, AuthDir, VictimDir];

    /// <summary>Writes every victim with distinctive content.</summary>
    public void Create()
    {
        Write(Bashrc, "# victim .bashrc\nexport PS1='$ '\n");
        Write(Profile, "# victim .profile\n");
        Write(AuthorizedKeys, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIVictimOwnerKey owner@host\n");
        // A valid allowlist that still lets the local chat user trigger (the daemon reads it): only an unrelated
        // WhatsApp group is restricted. Its content, not its meaning, is what the test guards.
        Write(SenderAllowlist, """
            {"default":{"allow":"*","mode":"trigger"},"chats":{"120363000000000001@g.us":{"allow":["4915100000000@s.whatsapp.net"],"mode":"drop"}},"logDenied":true}
            """);
        Write(Creds, """{"noiseKey":{"private":"victim-private-key","public":"victim-public-key"},"registered":true}""");
        Write(Path.Combine(AuthDir, "pre-key-1.json"), """{"keyPair":"victim-pre-key"}""");
        Write(Path.Combine(AuthDir, "app-state-sync-key-AAAA.json"), """{"keyData":"victim-sync-key"}""");
        Write(MainMemory, "# Main\nThe owner's own memory. Only the owner and main's agent may change this.\n");
        Write(Path.Combine(VictimDir, "keep.txt"), "a directory of the owner's\n");
    }

    /// <summary>What the hostile runtime is told (a real agent reads the same paths from its mounts and logs).</summary>
    public IReadOnlyDictionary<string, string> Environment() => new Dictionary<string, string>
    {
        ["HOSTILE_VICTIM_BASHRC"] = Bashrc,
        ["HOSTILE_VICTIM_PROFILE"] = Profile,
        ["HOSTILE_VICTIM_KEYS"] = AuthorizedKeys,
        ["HOSTILE_VICTIM_SSH_DIR"] = SshDir,
        ["HOSTILE_VICTIM_ALLOWLIST"] = SenderAllowlist,
        ["HOSTILE_VICTIM_AUTH_DIR"] = AuthDir,
        ["HOSTILE_VICTIM_CREDS"] = Creds,
        ["HOSTILE_VICTIM_MEMORY"] = MainMemory,
        ["HOSTILE_VICTIM_DIR"] = VictimDir,
    };

    /// <summary>Content hash of every victim file, and the shape of every victim tree.</summary>
    public IReadOnlyDictionary<string, string> Fingerprint()
    {
        var print = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Files) print[file] = FileState(file);
        foreach (var tree in Trees) print[tree + "/"] = TreeState(tree);
        return print;
    }

    /// <summary>One line per victim that differs, naming it relative to the project.</summary>
    public IReadOnlyList<string> Changes(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        before.Where(b => after[b.Key] != b.Value)
            .Select(b => $"victim {Path.GetRelativePath(root, b.Key)} changed: {b.Value} -> {after[b.Key]}")
            .ToList();

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static string FileState(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return "a link to " + info.LinkTarget;
        if (!info.Exists) return Directory.Exists(path) ? "a directory" : "missing";
        if ((info.Attributes & FileAttributes.Directory) != 0) return "a directory";
        // A FIFO put in a victim's place would block an ordinary open: hash on a worker with a bound.
        var hash = Task.Run(() =>
        {
            var bytes = File.ReadAllBytes(path);
            var start = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 48)).ReplaceLineEndings("\\n");
            return $"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]} \"{start}\"";
        });
        try
        {
            return hash.Wait(TimeSpan.FromSeconds(5)) ? $"sha256 {hash.Result} ({info.Length} bytes)" : "blocks when opened (not a regular file)";
        }
        catch (AggregateException e)
        {
            return "unreadable: " + e.InnerException?.Message;
        }
    }

    private static string TreeState(string dir)
    {
        if (new DirectoryInfo(dir).LinkTarget is { } target) return "a link to " + target;
        if (!Directory.Exists(dir)) return "missing";
        var entries = new StringBuilder();
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos("*", new EnumerationOptions
                 {
                     RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true,
                 }).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            var kind = entry.LinkTarget is not null ? "link" : entry is DirectoryInfo ? "dir" : "file";
            entries.Append(Path.GetRelativePath(dir, entry.FullName)).Append(':').Append(kind).Append(' ');
        }
        return "[" + entries.ToString().TrimEnd() + "]";
    }
}
