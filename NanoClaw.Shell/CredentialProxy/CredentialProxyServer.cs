using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;
using Yarp.ReverseProxy.Forwarder;
using ILogger = Serilog.ILogger;

namespace NanoClaw.Shell.CredentialProxy;

/// <summary>
/// The credential proxy (SPEC §7): a small HTTP server the agent containers use as their Anthropic API base URL.
/// Each request is forwarded by YARP to the real upstream with the placeholder credentials replaced by the real ones
/// (<see cref="HeaderInjection"/>); bodies stream both ways, so server-sent events arrive as they are produced.
/// Only the secret headers change; the container never sees a secret, and nothing about them is logged.
/// </summary>
public sealed class CredentialProxyServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpMessageInvoker client;

    private CredentialProxyServer(WebApplication app, HttpMessageInvoker client, ProxyCredentials credentials, string url)
    {
        this.app = app;
        this.client = client;
        Credentials = credentials;
        Url = url;
    }

    /// <summary>The URL containers use.</summary>
    public string Url { get; }

    /// <summary>The port it listens on.</summary>
    public int Port => new Uri(Url).Port;

    /// <summary>What it injects.</summary>
    public ProxyCredentials Credentials { get; }

    /// <summary>The environment for a container's stdin: this proxy's URL and placeholders.</summary>
    public LanguageExt.Map<string, string> ContainerSecrets => Credentials.ForContainer(Url);

    /// <summary>Starts listening on an ephemeral port at <paramref name="binding"/>.</summary>
    public static async Task<CredentialProxyServer> StartAsync(ProxyCredentials credentials, ProxyBinding binding, ILogger log, CancellationToken ct = default)
    {
        log = log.ForContext<CredentialProxyServer>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.Listen(binding.Listen, 0);
        });
        if (binding.FreeBind)
            builder.WebHost.UseSockets(s => s.CreateBoundListenSocket = FreeBindSocket);

        var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        });
        var app = builder.Build();
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var transformer = new InjectingTransformer(credentials);
        var requestConfig = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(10) };
        var destination = credentials.Upstream.ToString();
        app.Run(async http =>
        {
            var started = Stopwatch.GetTimestamp();
            var error = await forwarder.SendAsync(http, destination, client, requestConfig, transformer);
            if (error == ForwarderError.None)
                log.Debug("Proxied {Method} {Path} -> {Status} in {Ms:0} ms", http.Request.Method, http.Request.Path.Value, http.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            else
                log.Warning("Credential proxy could not forward {Method} {Path}: {Error} ({Reason})", http.Request.Method, http.Request.Path.Value,
                    error, http.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? "no detail");
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        var server = new CredentialProxyServer(app, client, credentials, binding.UrlFor(port));
        log.Information("Credential proxy on {Listen}:{Port} for containers at {Url} -> {Upstream} ({Kind})",
            binding.Listen, port, server.Url, credentials.Upstream.GetLeftPart(UriPartial.Authority), credentials.Describe());
        return server;
    }

    // IP_FREEBIND (Linux): bind the bridge gateway before the runtime has created the bridge interface.
    private static Socket FreeBindSocket(EndPoint endpoint)
    {
        var ip = (IPEndPoint)endpoint;
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            const int IpFreeBind = 15;
            socket.SetRawSocketOption((int)SocketOptionLevel.IP, IpFreeBind, BitConverter.GetBytes(1));
            socket.Bind(ip);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        client.Dispose();
    }

    private sealed class InjectingTransformer(ProxyCredentials credentials) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            HeaderInjection.Apply(credentials, proxyRequest.Headers, httpContext.Request.Headers.ContainsKey("Authorization"));
        }
    }
}
