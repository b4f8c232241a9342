using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NanoClaw.Tests.Telemetry;

/// <summary>
/// A loopback OTLP/HTTP metrics receiver (Kestrel, <c>POST /v1/metrics</c>, protobuf), for tests: every export is
/// decoded and kept; waiters are woken on each one. Any other request is counted (and answered 404).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly List<List<OtlpPoint>> exports = [];
    private readonly SemaphoreSlim arrived = new(0);
    private int requests;

    private OtlpReceiver(WebApplication app) => this.app = app;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    public string BaseUrl => app.Urls.First();

    /// <summary>Every HTTP request that reached the receiver (exports and anything else).</summary>
    public int Requests => Volatile.Read(ref requests);

    public IReadOnlyList<List<OtlpPoint>> Exports
    {
        get { lock (exports) return exports.ToList(); }
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref requests);
        if (http.Request.Method != "POST" || http.Request.Path != "/v1/metrics" || http.Request.ContentType != "application/x-protobuf")
        {
            http.Response.StatusCode = 404;
            arrived.Release();
            return;
        }
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        var points = OtlpMetricsDecoder.Decode(body.ToArray());
        lock (exports) exports.Add(points);
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/x-protobuf";
        arrived.Release();
    }

    /// <summary>Waits until an export satisfies <paramref name="done"/> (checked on each arrival); returns it.</summary>
    public async Task<List<OtlpPoint>> WaitForExportAsync(Func<List<OtlpPoint>, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            while (arrived.CurrentCount > 0) arrived.Wait(0);
            if (Exports.LastOrDefault(done) is { } found) return found;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"no export with {what} within {timeout.TotalSeconds:0} s; {Exports.Count} exports, last: "
                    + string.Join("; ", Exports.LastOrDefault()?.Select(p => $"{p.Metric}{{{string.Join(",", p.Attributes.Select(a => a.Key + "=" + a.Value))}}}={p.Value}") ?? []));
            await arrived.WaitAsync(left);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
