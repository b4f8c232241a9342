using System.Text.Json;
using NanoClaw.Shell.WhatsApp.Sidecar;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.WhatsApp;

/// <summary>Drives NanoClaw.Tests/Fixtures/fake-sidecar: flags, scripted events, and what it was asked to send.</summary>
public sealed class FakeSidecar
{
    private int sequence;

    public FakeSidecar(string root)
    {
        Dir = Path.Combine(root, "fake");
        Directory.CreateDirectory(Path.Combine(Dir, "control"));
    }

    public string Dir { get; }

    public static string FixtureDir => Path.Combine(Requirements.RepoRoot(), "NanoClaw.Tests", "Fixtures", "fake-sidecar");

    public SidecarOptions Options(string authDir) =>
        new("node", FixtureDir, "main.mjs", authDir, new Dictionary<string, string> { ["NANOCLAW_SIDECAR_FAKE_DIR"] = Dir });

    public void SetFlag(string name, bool on)
    {
        var path = Path.Combine(Dir, name);
        if (on) File.WriteAllText(path, "");
        else File.Delete(path);
    }

    public void Emit(object evt) => Control(new { @do = "emit", @event = evt });

    public void EmitMessage(string chatJid, string id, string content, bool isFromMe = false, string timestamp = "2026-01-31T14:32:00.000Z",
        string sender = "15551234567@s.whatsapp.net") =>
        Emit(new
        {
            type = "message",
            message = new { id, chatJid, sender, senderName = "Alice", content, timestamp, isFromMe },
        });

    public void EmitChat(string jid, string? name, string timestamp = "2026-01-31T14:32:00.000Z") =>
        Emit(new { type = "chat", jid, name, isGroup = jid.EndsWith("@g.us", StringComparison.Ordinal), timestamp });

    /// <summary>A Baileys message arrives; the fake runs the real sidecar's media handling on it (see the fixture's header).</summary>
    public void Upsert(object raw, string? bytesFile = null, string? failDownload = null) =>
        Control(new { @do = "upsert", raw, bytesFile, failDownload });

    /// <summary>Every <c>media</c> command the fake received, as JSON.</summary>
    public IReadOnlyList<JsonElement> MediaCommands() => ReadLines("media.jsonl").Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    public void Close(string reason = "connectionLost", bool loggedOut = false) => Control(new { @do = "close", reason, loggedOut });

    public void Crash(int code = 1) => Control(new { @do = "crash", code });

    public void SetGroups(params (string Jid, string Name)[] groups) =>
        File.WriteAllText(Path.Combine(Dir, "groups.json"), JsonSerializer.Serialize(groups.Select(g => new { jid = g.Jid, name = g.Name })));

    public IReadOnlyList<SentRecord> Sent() => ReadJsonLines<SentRecord>("sent.jsonl");

    /// <summary>Every confirmed send_file, with the bytes the fake read from the path it was given.</summary>
    public IReadOnlyList<SentFileRecord> Files() => ReadJsonLines<SentFileRecord>("files.jsonl");

    public IReadOnlyList<SentRecord> Attempts() => ReadJsonLines<SentRecord>("attempts.jsonl");

    public IReadOnlyList<string> Starts() => ReadLines("starts.log");

    public IReadOnlyList<string> Connects() => ReadLines("connects.log");

    public IReadOnlyList<string> Syncs() => ReadLines("syncs.log");

    public IReadOnlyList<string> Typing() => ReadLines("typing.jsonl");

    private void Control(object instruction)
    {
        var name = $"{Interlocked.Increment(ref sequence):D6}.json";
        var temp = Path.Combine(Dir, name + ".tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(instruction));
        File.Move(temp, Path.Combine(Dir, "control", name)); // atomic: the fake never reads half a file
    }

    private IReadOnlyList<string> ReadLines(string file)
    {
        var path = Path.Combine(Dir, file);
        return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : [];
    }

    private IReadOnlyList<T> ReadJsonLines<T>(string file) =>
        ReadLines(file).Select(l => JsonSerializer.Deserialize<T>(l, new JsonSerializerOptions(JsonSerializerDefaults.Web))!).ToList();
}

public sealed record SentRecord(string Id, string Jid, string Text);

public sealed record SentFileRecord(string Id, string Jid, string Kind, string Mimetype, string? FileName, string? Caption, string Base64)
{
    public byte[] Bytes => Convert.FromBase64String(Base64);
}
