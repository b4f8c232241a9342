using System.Text.Json;
using System.Text.Json.Nodes;
using LanguageExt;
using NanoClaw.Core.Channels;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Pairing;

/// <summary>
/// The pending pairing code, host-only: <c>store/pairing.json</c> (0600; the store directory is never mounted into a
/// container), holding the code's SHA-256 and its expiry, never the code itself.
/// </summary>
public sealed class PairingCodeFile(string storeDir)
{
    public const string FileName = "pairing.json";

    public string Path { get; } = System.IO.Path.Combine(storeDir, FileName);

    /// <summary>The pending pairing; none when there is no file or it cannot be read as one.</summary>
    public Option<PendingPairing> Read()
    {
        try
        {
            if (!File.Exists(Path)) return None;
            var node = JsonNode.Parse(File.ReadAllText(Path));
            var hash = (string?)node?["code_sha256"];
            var expires = (string?)node?["expires_at"];
            return hash is not null && expires is not null && DateTimeOffset.TryParse(expires, out var at)
                ? Some(new PendingPairing(hash, at))
                : None;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            return None;
        }
    }

    /// <summary>Replaces any pending code (written to a 0600 temporary file, then renamed over).</summary>
    public void Write(PendingPairing pending)
    {
        Security.PrivateFiles.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var json = new JsonObject { ["code_sha256"] = pending.CodeSha256, ["expires_at"] = pending.ExpiresAt.ToString("O") }.ToJsonString();
        var temp = Path + ".tmp";
        File.Delete(temp);
        var streamOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, streamOptions))
        using (var writer = new StreamWriter(stream))
            writer.Write(json);
        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>Forgets the pending code (used, or expired).</summary>
    public void Delete() => File.Delete(Path);
}
