using LanguageExt;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Config;

/// <summary>
/// Reads a YAML settings file into flat <see cref="RawSetting"/>s (<c>section.key</c>), refusing syntax errors
/// (with the line), unknown keys and misplaced structure. Typing happens later, so the file and environment
/// overrides are checked by the same rules.
/// </summary>
public static class YamlSettingsReader
{
    /// <param name="origin">How errors name the file (e.g. <c>config.yml</c>).</param>
    /// <param name="sectioned">True for <c>config.yml</c> (sections of keys); false for <c>credentials.yml</c> (flat keys).</param>
    /// <param name="flatKeys">Allowed keys of a flat file.</param>
    public static Either<ConfigError, Seq<RawSetting>> Read(string text, string origin, bool sectioned, string[] flatKeys)
    {
        YamlStream stream = new();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            // YamlDotNet's messages describe the syntax problem, not the values, so they are safe to show.
            var reason = (e.InnerException?.Message ?? e.Message).Split('\n')[0].Trim();
            return new ConfigError($"{origin}: line {e.Start.Line}, column {e.Start.Column}: invalid YAML: {reason}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" })
            return Seq<RawSetting>();
        if (stream.Documents.Count > 1)
            return new ConfigError($"{origin}: line {stream.Documents[1].RootNode.Start.Line}: expected a single YAML document");
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            return new ConfigError($"{origin}: expected a mapping of keys at the top level");

        var settings = new List<RawSetting>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = ((keyNode as YamlScalarNode)?.Value ?? "").Trim();
            if (!sectioned)
            {
                if (!flatKeys.Contains(key))
                    return new ConfigError($"{origin}: {key}: unknown key (known keys: {string.Join(", ", flatKeys)})");
                settings.Add(ToRaw(key, value, origin));
                continue;
            }
            if (ConfigKeys.TopLevel.Contains(key))
            {
                settings.Add(ToRaw(key, value, origin));
                continue;
            }
            if (!ConfigKeys.Sections.TryGetValue(key, out var keys))
                return new ConfigError($"{origin}: {key}: unknown key (known keys: {ConfigKeys.KnownSectionsText})");
            if (value is YamlScalarNode { Value: null or "" or "~" }) continue; // an empty section keeps its defaults
            if (value is not YamlMappingNode section)
                return new ConfigError($"{origin}: {key}: expected a section of keys ({string.Join(", ", keys)})");
            foreach (var (innerKeyNode, innerValue) in section.Children)
            {
                var inner = ((innerKeyNode as YamlScalarNode)?.Value ?? "").Trim();
                if (!keys.Contains(inner))
                    return new ConfigError($"{origin}: {key}.{inner}: unknown key (known keys in {key}: {string.Join(", ", keys)})");
                settings.Add(ToRaw($"{key}.{inner}", innerValue, origin));
            }
        }
        return toSeq(settings);
    }

    private static RawSetting ToRaw(string key, YamlNode node, string origin) => node switch
    {
        YamlScalarNode { Value: "~" or "null" or "" } s when s.Style == YamlDotNet.Core.ScalarStyle.Plain => new RawSetting(key, null, origin),
        YamlScalarNode s => new RawSetting(key, s.Value, origin),
        YamlSequenceNode => new RawSetting(key, null, origin, "a list"),
        _ => new RawSetting(key, null, origin, "a mapping"),
    };
}
