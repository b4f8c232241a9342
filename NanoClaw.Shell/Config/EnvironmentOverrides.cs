using System.Collections;

namespace NanoClaw.Shell.Config;

/// <summary>
/// Settings from the environment: <c>NANOCLAW_&lt;SECTION&gt;__&lt;KEY&gt;</c> (e.g. <c>NANOCLAW_CONTAINER__MAX_CONCURRENT</c>),
/// <c>NANOCLAW_TIMEZONE</c> for the top-level key, and <c>NANOCLAW_&lt;CREDENTIAL&gt;</c> (e.g. <c>NANOCLAW_ANTHROPIC_API_KEY</c>)
/// for credentials. Other <c>NANOCLAW_*</c> variables belong to other tools and are ignored; a variable in the
/// section form that names no known key is an error, because it was meant as a setting.
/// </summary>
public static class EnvironmentOverrides
{
    private const string Prefix = "NANOCLAW_";

    public static Parsed<(List<RawSetting> Config, List<RawSetting> Credentials)> Read(IDictionary env)
    {
        var config = new List<RawSetting>();
        var credentials = new List<RawSetting>();
        foreach (DictionaryEntry entry in env)
        {
            if (entry.Key is not string name || !name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            var value = entry.Value as string;
            var rest = name[Prefix.Length..].ToLowerInvariant();
            var origin = $"environment variable {name}";
            var parts = rest.Split("__");
            if (parts.Length == 2)
            {
                var key = $"{parts[0]}.{parts[1]}";
                if (!ConfigKeys.IsKnown(key))
                    return new ConfigError($"{origin}: {key}: unknown key (use NANOCLAW_<SECTION>__<KEY> with a key of config.yml)");
                config.Add(new RawSetting(key, value, origin));
            }
            else if (parts.Length == 1 && ConfigKeys.TopLevel.Contains(rest))
                config.Add(new RawSetting(rest, value, origin));
            else if (parts.Length == 1 && ConfigKeys.Credentials.Contains(rest))
                credentials.Add(new RawSetting(rest, value, origin));
        }
        // Stable order so the first error reported does not depend on hash order.
        config.Sort((a, b) => string.CompareOrdinal(a.Origin, b.Origin));
        credentials.Sort((a, b) => string.CompareOrdinal(a.Origin, b.Origin));
        return (config, credentials);
    }
}
