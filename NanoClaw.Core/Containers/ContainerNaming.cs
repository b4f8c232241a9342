using System.Text.Json;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Containers;

/// <summary>Container names: <c>nanoclaw-&lt;folder&gt;-&lt;epoch ms&gt;</c>, so orphans of an earlier run can be found by prefix.</summary>
public static class ContainerNaming
{
    /// <summary>Prefix of every container NanoClaw starts.</summary>
    public const string Prefix = "nanoclaw-";

    /// <summary>The name for a run of <paramref name="folder"/> started at <paramref name="epochMs"/>.</summary>
    public static string Name(string folder, long epochMs) => $"{Prefix}{folder}-{epochMs}";

    /// <summary>Splits a name back into folder and start time, if it is one of ours.</summary>
    public static Option<(string Folder, long EpochMs)> Parse(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal)) return None;
        var rest = name[Prefix.Length..];
        var dash = rest.LastIndexOf('-');
        if (dash <= 0 || dash == rest.Length - 1) return None;
        return long.TryParse(rest[(dash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? Some((rest[..dash], ms))
            : None;
    }

    /// <summary>True for any name starting with <see cref="Prefix"/> (orphans are stopped whatever follows).</summary>
    public static bool IsOurs(string name) => name.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// Names of running <c>nanoclaw-*</c> containers in the output of <see cref="RuntimeCommand.ListRunning"/>:
    /// one name per line for Docker/Podman; for Apple a JSON array of <c>{status, configuration: {id}}</c>.
    /// Output that cannot be read yields no names.
    /// </summary>
    public static Seq<string> ParseOrphans(ContainerCli cli, string listOutput) =>
        cli == ContainerCli.Apple ? ParseAppleList(listOutput)
        : toSeq(listOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Filter(IsOurs).Distinct().ToSeq();

    private static Seq<string> ParseAppleList(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) return Seq<string>();
            var names = new List<string>();
            foreach (var c in doc.RootElement.EnumerateArray())
            {
                if (c.ValueKind != JsonValueKind.Object) continue;
                var running = c.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == "running";
                if (running && c.TryGetProperty("configuration", out var conf) && conf.ValueKind == JsonValueKind.Object
                    && conf.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && IsOurs(id.GetString()!))
                    names.Add(id.GetString()!);
            }
            return toSeq(names);
        }
        catch (JsonException)
        {
            return Seq<string>();
        }
    }
}
