using System.Text;
using System.Text.Json;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Ipc;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Groups;

/// <summary>
/// The JSON form of <see cref="ContainerConfig"/>, as NanoClaw stores it in <c>registered_groups.container_config</c>
/// and as <c>register_group</c> carries it: <c>{"additionalMounts":[{"hostPath","containerPath"?,"readonly"?}],"timeout"?}</c>.
/// <c>readonly</c> defaults to true; <c>timeout</c> is milliseconds.
/// </summary>
public static class ContainerConfigJson
{
    /// <summary>Parses stored or received JSON text.</summary>
    /// <returns>The config, or a reason naming the bad field.</returns>
    public static Either<string, ContainerConfig> Parse(string? json) =>
        JsonFields.ReadObject(json, IpcLimits.MaxFileChars, FromElement);

    /// <summary>Reads an already-parsed JSON value (used inside IPC requests).</summary>
    internal static Either<string, ContainerConfig> FromElement(JsonElement obj)
    {
        if (obj.ValueKind != JsonValueKind.Object) return "'containerConfig' must be an object";
        return from mounts in Mounts(obj)
               from timeout in Timeout(obj)
               select new ContainerConfig(mounts, timeout);
    }

    private static Either<string, Option<int>> Timeout(JsonElement obj) =>
        JsonFields.Field(obj, "timeout").Match(
            value => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var ms) && ms > 0
                ? Right<string, Option<int>>(Some(ms))
                : Left<string, Option<int>>("'containerConfig.timeout' must be a positive whole number of milliseconds"),
            () => Right<string, Option<int>>(None));

    private static Either<string, Seq<AdditionalMount>> Mounts(JsonElement obj)
    {
        var field = JsonFields.Field(obj, "additionalMounts");
        if (field.IsNone) return LanguageExt.Seq<AdditionalMount>.Empty;
        var array = field.IfNone(default(JsonElement));
        if (array.ValueKind != JsonValueKind.Array) return "'containerConfig.additionalMounts' must be an array";
        if (array.GetArrayLength() > IpcLimits.MaxMounts) return $"'containerConfig.additionalMounts' has more than {IpcLimits.MaxMounts} entries";
        var mounts = new List<AdditionalMount>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var prefix = $"containerConfig.additionalMounts[{index}]";
            if (item.ValueKind != JsonValueKind.Object) return $"'{prefix}' must be an object";
            var mount =
                from host in JsonFields.RequiredString(item, "hostPath", IpcLimits.MaxPathChars)
                from container in JsonFields.OptionalNonEmptyString(item, "containerPath", IpcLimits.MaxPathChars)
                from readOnly in JsonFields.OptionalBool(item, "readonly", true)
                select new AdditionalMount(host, container, readOnly);
            if (mount.IsLeft) return mount.MapLeft(reason => $"{prefix}: {reason}").Map(_ => LanguageExt.Seq<AdditionalMount>.Empty);
            mount.IfRight(mounts.Add);
            index++;
        }
        return toSeq(mounts.ToArray());
    }

    /// <summary>Writes the config as compact JSON that <see cref="Parse"/> reads back to an equal value (strings must be valid UTF-16).</summary>
    public static string Serialize(ContainerConfig config)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
            Write(writer, config);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the config as a JSON object.</summary>
    internal static void Write(Utf8JsonWriter writer, ContainerConfig config)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("additionalMounts");
        foreach (var mount in config.AdditionalMounts)
        {
            writer.WriteStartObject();
            writer.WriteString("hostPath", mount.HostPath);
            mount.ContainerPath.IfSome(p => writer.WriteString("containerPath", p));
            writer.WriteBoolean("readonly", mount.ReadOnly);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        config.TimeoutMs.IfSome(ms => writer.WriteNumber("timeout", ms));
        writer.WriteEndObject();
    }
}
