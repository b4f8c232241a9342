using NanoClaw.Core.Config;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Serilog;

namespace NanoClaw.Shell.Telemetry;

/// <summary>
/// Builds the OTLP/HTTP (protobuf) metrics exporter when <c>telemetry.otlp_endpoint</c> is set, and nothing otherwise:
/// no provider, no listener, no connection. Disposing the provider pushes the last values (at shutdown).
/// </summary>
public static class MetricsExport
{
    /// <summary>
    /// The provider (a <see cref="MeterProvider"/>) exporting the <see cref="NanoClawMetrics.MeterName"/> meter, or null when
    /// telemetry is off. Typed <see cref="IDisposable"/> and built in another method so that a daemon with telemetry off
    /// never loads the OpenTelemetry assemblies (issue 16: fewer assemblies and less start-up work at idle).
    /// </summary>
    public static IDisposable? Start(TelemetryOptions options, ILogger log)
    {
        if (!options.Enabled)
        {
            log.Debug("Telemetry off (telemetry.otlp_endpoint is empty)");
            return null;
        }
        return Build(options, log);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static MeterProvider Build(TelemetryOptions options, ILogger log)
    {
        var endpoint = MetricsUrl(options.OtlpEndpoint);
        var provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService("nanoclaw", serviceVersion: typeof(MetricsExport).Assembly.GetName().Version?.ToString()))
            .AddMeter(NanoClawMetrics.MeterName)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = endpoint;
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.ExportIntervalMs;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            })
            .Build();
        log.Information("Telemetry: metrics to {Endpoint} every {Interval} ms (OTLP/HTTP protobuf)",
            endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped), options.ExportIntervalMs);
        return provider;
    }

    /// <summary>
    /// <c>telemetry.otlp_endpoint</c> is a base URL, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is: metrics go to
    /// <c>{base}/v1/metrics</c>. A URL that already ends in <c>/v1/metrics</c> is taken as it is.
    /// </summary>
    public static Uri MetricsUrl(string endpoint)
    {
        var uri = new Uri(endpoint, UriKind.Absolute);
        if (uri.AbsolutePath.EndsWith("/v1/metrics", StringComparison.Ordinal)) return uri;
        var builder = new UriBuilder(uri) { Path = uri.AbsolutePath.TrimEnd('/') + "/v1/metrics" };
        return builder.Uri;
    }
}
