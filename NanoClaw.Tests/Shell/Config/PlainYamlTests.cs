using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Shell.Config;

namespace NanoClaw.Tests.Shell.Config;

/// <summary>
/// The plain settings reader (no YamlDotNet, issue 16) answers only where YamlDotNet would answer the same: for any
/// text built from settings-file lines, valid and broken, the settings or the error are those of the YamlDotNet path.
/// </summary>
public sealed class PlainYamlTests
{
    // Lines a config.yml may hold, and lines that look close but mean something else in YAML or are errors.
    private static readonly string[] Lines =
    [
        "assistant:", "  name: Andy", "  name: Bob # a comment", "  name: \"Quoted\"", "  name: 'single'", "  name: @Andy",
        "  name: a: b", "  name: ends:", "  name: x:y", "  name: Jürgen", "  name: -5", "  name: ~", "  name: null", "  name:",
        "  has_own_number: true", "   has_own_number: false", "\thas_own_number: true", "    deeper: 1",
        "container:", "  runtime: podman", "  max_concurrent: 5", "  max_concurrent: lots", "  image: nanoclaw-agent:latest",
        "  memory: 512m", "  cpus: 0.5", "  network: none", "  - item", "  runtime: [a, b]", "  runtime: {a: b}",
        "channels:", "  whatsapp: false", "  local_chat: true", "  telegram_api_base_url: http://127.0.0.1:8080/x",
        "logging:", "  level: DEBUG", "  file: logs/x.log", "  colour: red",
        "timezone: UTC", "timezone: Europe/Berlin", "timezone:", "timezone: Mars/Base", "colour: red", "assistant: Andy",
        "dashboard:", "  port: 0", "  enabled: true",
        "# comment", "   # indented comment", "#\u0001 control", "", "   ", "---", "...", "- a", "key:value", "name :x",
        "  name: a #b", "  name: a#b", "  name: a   ", "  name: a\r", "  name: line\u0085break", "\ufeffassistant:", "%YAML 1.1",
        "container: # just a comment", "  image: img # note: it matters", "  image: &anchor img", "  image: *anchor", "  image: !!str x",
        "  image: |", "    literal", "  image: >", "anthropic_api_key: sk-ant-123", "telegram_bot_token: 123:abc",
    ];

    private static Arbitrary<string> Texts() =>
        Gen.ListOf(Gen.Elements(Lines))
            .SelectMany(lines => Gen.Elements("\n", "\r\n").Select(sep => string.Join(sep, lines)))
            .ToArbitrary();

    // YamlDotNet throws more than YamlException for a few inputs (e.g. "..." then more text): the same on both paths.
    private static string Describe(Func<Parsed<List<RawSetting>>> read)
    {
        try
        {
            return Describe(read());
        }
        catch (Exception e)
        {
            return "throws:" + e.GetType().Name;
        }
    }

    private static string Describe(Parsed<List<RawSetting>> result) =>
        result.Error is { } e ? "error:" + e.Message : string.Join("|", result.Value.Select(s => $"{s.Key}={s.Text ?? "<null>"}/{s.NonScalarKind}@{s.Origin}"));

    [Property(MaxTest = 2000)]
    [Trait("Category", "Property")]
    public Property Config_files_read_the_same_with_or_without_YamlDotNet() =>
        Prop.ForAll(Texts(), text =>
            Describe(() => YamlSettingsReader.Read(text, "config.yml", sectioned: true, [])) ==
            Describe(() => YamlSettingsReader.ReadWithYamlDotNet(text, "config.yml", sectioned: true, [])));

    [Property(MaxTest = 1000)]
    [Trait("Category", "Property")]
    public Property Credential_files_read_the_same_with_or_without_YamlDotNet() =>
        Prop.ForAll(Texts(), text =>
            Describe(() => YamlSettingsReader.Read(text, "credentials.yml", sectioned: false, ConfigKeys.Credentials)) ==
            Describe(() => YamlSettingsReader.ReadWithYamlDotNet(text, "credentials.yml", sectioned: false, ConfigKeys.Credentials)));

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("assistant:\n  name: Andy\ncontainer:\n  runtime: podman\nchannels:\n  whatsapp: false\n  local_chat: true\nlogging:\n  level: INFO\ntimezone: UTC\n")]
    [InlineData("container:\n  image: nanoclaw-agent:latest # pinned\n  max_concurrent: 3\n\ntimezone: Europe/Berlin\n")]
    public void The_usual_files_need_no_YamlDotNet(string text)
    {
        Assert.True(PlainYaml.TryRead(text, out _));
        Assert.Equal(Describe(YamlSettingsReader.ReadWithYamlDotNet(text, "config.yml", true, [])),
            Describe(YamlSettingsReader.Read(text, "config.yml", true, [])));
    }

    [Theory]
    [Trait("Category", "Unit")]
    [InlineData("container:\n  runtime: podman\n  runtime: docker\n")] // a duplicate key: YamlDotNet's error with its line
    [InlineData("assistant:\n  name: \"Andy\"\n")]
    [InlineData("assistant:\n\tname: Andy\n")]
    public void Anything_else_goes_to_YamlDotNet(string text) => Assert.False(PlainYaml.TryRead(text, out _));
}
