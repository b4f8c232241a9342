using NanoClaw.Core.Config;
using NanoClaw.Shell.Logging;
using Serilog;

namespace NanoClaw.Tests.Shell.Logging;

/// <summary>The real log pipeline writing a real rolling file: secrets never reach it, levels are honoured.</summary>
public sealed class RedactedLoggingTests : IDisposable
{
    private const string ApiKey = "sk-ant-api03-SECRETSECRET";
    private const string OauthToken = "oauth-token-XYZ-987";
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nanoclaw-log-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
    }

    private sealed record Request(string Url, Dictionary<string, string> Headers);

    [Fact]
    public void No_configured_secret_reaches_the_log_file_however_it_is_logged()
    {
        var file = Path.Combine(dir, "logs", "nanoclaw.log");
        var redactor = new SecretRedactor([ApiKey]);
        using (var log = LogSetup.Create(new LoggingOptions("INFO", file), redactor, toFile: true))
        {
            redactor.Add(OauthToken); // e.g. a value handed to a container later
            log.Information("interpolated into the template: " + ApiKey);
            log.Information("as a property {Key}", ApiKey);
            log.Information("inside a structure {@Request}", new Request("https://api/?k=" + ApiKey, new() { ["x-api-key"] = ApiKey }));
            log.Information("in a list {Values}", new[] { "a", OauthToken });
            log.Warning(new InvalidOperationException("upstream said: bad key " + ApiKey), "call failed");
            log.Debug("below the configured level {Marker}", "DEBUG-MARKER");
            log.Information("plain line {Marker}", "INFO-MARKER");
        }

        var text = File.ReadAllText(file);
        Assert.DoesNotContain(ApiKey, text);
        Assert.DoesNotContain(OauthToken, text);
        Assert.DoesNotContain("SECRETSECRET", text);
        Assert.True(text.Split("***").Length - 1 >= 6, text);
        Assert.Contains("INFO-MARKER", text);
        Assert.DoesNotContain("DEBUG-MARKER", text);
        Assert.Contains("upstream said: bad key ***", text);
    }

    [Theory]
    [InlineData("DEBUG", true, true)]
    [InlineData("INFO", false, true)]
    [InlineData("WARNING", false, false)]
    [InlineData("ERROR", false, false)]
    public void The_configured_level_filters_events(string level, bool debugWritten, bool infoWritten)
    {
        var file = Path.Combine(dir, level + ".log");
        using (var log = LogSetup.Create(new LoggingOptions(level, file), new SecretRedactor(), toFile: true))
        {
            log.Debug("d-marker");
            log.Information("i-marker");
            log.Error("e-marker");
        }
        var text = File.ReadAllText(file);
        Assert.Equal((debugWritten, infoWritten, true), (text.Contains("d-marker"), text.Contains("i-marker"), text.Contains("e-marker")));
    }
}
