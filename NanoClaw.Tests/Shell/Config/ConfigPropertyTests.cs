using System.Collections;
using FsCheck.Xunit;
using NanoClaw.Shell.Config;

namespace NanoClaw.Tests.Shell.Config;

/// <summary>Range and enum checks hold for every value, not just the examples.</summary>
public sealed class ConfigPropertyTests
{
    // A config path in a directory that does not exist: no config.yml, no credentials.yml, only the environment.
    private static readonly string NoFiles = Path.Combine(Path.GetTempPath(), "nanoclaw-none-" + Guid.NewGuid().ToString("N"), "config.yml");

    private static string Outcome(string variable, string value) =>
        ConfigLoader.Load(NoFiles, new Hashtable { [variable] = value }).Match(
            ok => "ok:" + ok.Options.Container.MaxConcurrent + ":" + ok.Options.Logging.Level,
            e => "error:" + e.Message);

    [Property]
    [Trait("Category", "Property")]
    public bool Max_concurrent_is_accepted_exactly_from_1_to_100(int n)
    {
        var outcome = Outcome("NANOCLAW_CONTAINER__MAX_CONCURRENT", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return n is >= 1 and <= 100
            ? outcome == $"ok:{n}:INFO"
            : outcome == $"error:environment variable NANOCLAW_CONTAINER__MAX_CONCURRENT: container.max_concurrent: expected an integer from 1 to 100, got \"{n}\"";
    }

    [Property]
    [Trait("Category", "Property")]
    public bool Log_level_is_one_of_the_four_names_in_any_case(string level)
    {
        if (string.IsNullOrWhiteSpace(level)) return true; // empty means "use the default"
        var outcome = Outcome("NANOCLAW_LOGGING__LEVEL", level);
        var known = new[] { "DEBUG", "INFO", "WARNING", "ERROR" }.FirstOrDefault(l => l.Equals(level.Trim(), StringComparison.OrdinalIgnoreCase));
        return known is not null
            ? outcome == $"ok:5:{known}"
            : outcome.StartsWith("error:environment variable NANOCLAW_LOGGING__LEVEL: logging.level: expected one of DEBUG, INFO, WARNING, ERROR, got ", StringComparison.Ordinal);
    }
}
