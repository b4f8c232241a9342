using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

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
    public static Parsed<List<RawSetting>> Read(string text, string origin, bool sectioned, string[] flatKeys)
    {
        // An absent file reads as "" and most files are plain `key: value` lines: neither needs YamlDotNet (issue 16).
        if (!PlainYaml.TryRead(text, out var entries))
        {
            var parsed = ParseWithYamlDotNet(text, origin);
            if (parsed.Error is { } error) return error;
            entries = parsed.Value;
        }
        return Check(entries, origin, sectioned, flatKeys);
    }

    /// <summary><see cref="Read"/> always through YamlDotNet: what the plain reader must agree with (tests).</summary>
    internal static Parsed<List<RawSetting>> ReadWithYamlDotNet(string text, string origin, bool sectioned, string[] flatKeys)
    {
        var parsed = ParseWithYamlDotNet(text, origin);
        return parsed.Error is { } error ? error : Check(parsed.Value, origin, sectioned, flatKeys);
    }

    /// <summary>The document's top-level entries; none for an empty document.</summary>
    private static Parsed<List<YamlEntry>> ParseWithYamlDotNet(string text, string origin)
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
        catch (InvalidOperationException e)
        {
            // YamlDotNet's parser throws this (not a YamlException) for some documents, e.g. a "..." end marker with
            // content after it on the first line; it carries no position. Still one line naming the file, never a trace.
            return new ConfigError($"{origin}: invalid YAML: {e.Message.Split('\n')[0].Trim()}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" })
            return new List<YamlEntry>();
        if (stream.Documents.Count > 1)
            return new ConfigError($"{origin}: line {stream.Documents[1].RootNode.Start.Line}: expected a single YAML document");
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            return new ConfigError($"{origin}: expected a mapping of keys at the top level");
        return Entries(root);
    }

    private static List<YamlEntry> Entries(YamlMappingNode mapping) =>
        mapping.Children.Select(child => Entry(((child.Key as YamlScalarNode)?.Value ?? "").Trim(), child.Value)).ToList();

    private static YamlEntry Entry(string key, YamlNode node) => node switch
    {
        YamlScalarNode s => new YamlEntry(key, YamlEntryKind.Scalar, s.Value, s.Style == ScalarStyle.Plain, []),
        YamlMappingNode m => new YamlEntry(key, YamlEntryKind.Mapping, null, false, Entries(m)),
        _ => new YamlEntry(key, YamlEntryKind.Sequence, null, false, []),
    };

    private static Parsed<List<RawSetting>> Check(List<YamlEntry> entries, string origin, bool sectioned, string[] flatKeys)
    {
        var settings = new List<RawSetting>();
        foreach (var entry in entries)
        {
            var key = entry.Key;
            if (!sectioned)
            {
                if (!flatKeys.Contains(key))
                    return new ConfigError($"{origin}: {key}: unknown key (known keys: {string.Join(", ", flatKeys)})");
                settings.Add(ToRaw(key, entry, origin));
                continue;
            }
            if (ConfigKeys.TopLevel.Contains(key))
            {
                settings.Add(ToRaw(key, entry, origin));
                continue;
            }
            if (!ConfigKeys.Sections.TryGetValue(key, out var keys))
                return new ConfigError($"{origin}: {key}: unknown key (known keys: {ConfigKeys.KnownSectionsText})");
            if (entry is { Kind: YamlEntryKind.Scalar, Value: null or "" or "~" }) continue; // an empty section keeps its defaults
            if (entry.Kind != YamlEntryKind.Mapping)
                return new ConfigError($"{origin}: {key}: expected a section of keys ({string.Join(", ", keys)})");
            foreach (var innerEntry in entry.Children)
            {
                var inner = innerEntry.Key;
                if (!keys.Contains(inner))
                    return new ConfigError($"{origin}: {key}.{inner}: unknown key (known keys in {key}: {string.Join(", ", keys)})");
                settings.Add(ToRaw($"{key}.{inner}", innerEntry, origin));
            }
        }
        return settings;
    }

    private static RawSetting ToRaw(string key, YamlEntry entry, string origin) => entry switch
    {
        { Kind: YamlEntryKind.Scalar, Value: "~" or "null" or "", Plain: true } => new RawSetting(key, null, origin),
        { Kind: YamlEntryKind.Scalar } => new RawSetting(key, entry.Value, origin),
        { Kind: YamlEntryKind.Sequence } => new RawSetting(key, null, origin, "a list"),
        _ => new RawSetting(key, null, origin, "a mapping"),
    };
}
