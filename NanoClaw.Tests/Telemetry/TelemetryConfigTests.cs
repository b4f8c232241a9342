using System.Collections;
using NanoClaw.Core.Config;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.Telemetry;

namespace NanoClaw.Tests.Telemetry;

/// <summary><c>telemetry.otlp_endpoint</c> and <c>telemetry.export_interval_ms</c>: off by default, a bad value stops boot naming the key.</summary>
[Trait("Category", "Dashboard")]
public sealed class TelemetryConfigTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "nanoclaw-telemetry-config-" + Guid.NewGuid().ToString("N"));

    public TelemetryConfigTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, true);

    private string Load(string yaml, IDictionary? env, out TelemetryOptions telemetry)
    {
        var path = Path.Combine(root, "config.yml");
        File.WriteAllText(path, yaml);
        var result = ConfigLoader.Load(path, env ?? new Hashtable());
        telemetry = result.Match(r => r.Options.Telemetry, _ => TelemetryOptions.Default);
        return result.Match(_ => "", e => e.Message);
    }

    [Fact]
    public void Off_by_default_and_in_the_shipped_config()
    {
        Assert.Equal("", Load("", null, out var t));
        Assert.False(t.Enabled);
        Assert.Equal(("", 60000), (t.OtlpEndpoint, t.ExportIntervalMs));
        var shipped = File.ReadAllText(Path.Combine(Support.Requirements.RepoRoot(), "config.yml"));
        Assert.Equal("", Load(shipped, null, out var fromShipped));
        Assert.False(fromShipped.Enabled);
        Assert.Null(MetricsExport.Start(fromShipped, Serilog.Core.Logger.None));
    }

    [Fact]
    public void Read_from_the_file_and_the_environment()
    {
        Assert.Equal("", Load("telemetry:\n  otlp_endpoint: http://collector:4318\n  export_interval_ms: 15000\n", null, out var t));
        Assert.Equal(("http://collector:4318", 15000, true), (t.OtlpEndpoint, t.ExportIntervalMs, t.Enabled));
        Assert.Equal("", Load("", new Hashtable { ["NANOCLAW_TELEMETRY__OTLP_ENDPOINT"] = "https://otel.example:4318/" }, out var e));
        Assert.Equal("https://otel.example:4318/", e.OtlpEndpoint);
    }

    [Theory]
    [InlineData("otlp_endpoint: collector:4318", "telemetry.otlp_endpoint")]
    [InlineData("otlp_endpoint: ftp://collector", "telemetry.otlp_endpoint")]
    [InlineData("export_interval_ms: 5", "telemetry.export_interval_ms")]
    public void A_bad_value_names_the_key(string line, string key)
    {
        var error = Load("telemetry:\n  " + line + "\n", null, out _);
        Assert.Contains(key, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:4318", "http://localhost:4318/v1/metrics")]
    [InlineData("http://localhost:4318/", "http://localhost:4318/v1/metrics")]
    [InlineData("https://gw.example/otlp", "https://gw.example/otlp/v1/metrics")]
    [InlineData("http://localhost:4318/v1/metrics", "http://localhost:4318/v1/metrics")]
    public void The_endpoint_is_a_base_url_like_OTEL_EXPORTER_OTLP_ENDPOINT(string configured, string posted) =>
        Assert.Equal(posted, MetricsExport.MetricsUrl(configured).ToString());
}
