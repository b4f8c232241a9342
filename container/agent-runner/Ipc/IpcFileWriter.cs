using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace NanoClaw.AgentRunner.Ipc;

/// <summary>Writes an IPC request atomically: <c>name.json.tmp</c> first, then a rename, so the host never reads half a file.</summary>
internal static class IpcFileWriter
{
    public static string Write(string directory, JsonObject request, DateTimeOffset now)
    {
        Directory.CreateDirectory(directory);
        var name = $"{now.ToUnixTimeMilliseconds()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.json";
        var path = Path.Combine(directory, name);
        var temp = path + ".tmp";
        File.WriteAllText(temp, request.ToJsonString());
        File.Move(temp, path);
        return path;
    }
}
