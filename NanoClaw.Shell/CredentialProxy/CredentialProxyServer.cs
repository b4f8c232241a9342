using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using ILogger = Serilog.ILogger;

namespace NanoClaw.Shell.CredentialProxy;

/// <summary>
/// The credential proxy (SPEC §7): the only way from an agent container to the Anthropic API. Every run gets its own
/// Unix socket under a host-only directory (<see cref="OpenRun"/>), bind-mounted into that run's container, and a
/// random run token in the credential slot of its environment. A request is forwarded only when it arrives on a run's
/// socket, carries that run's token, and is a Messages API call Claude Code makes (<see cref="ProxyRequestRules"/>);
/// YARP then sends it upstream with the token replaced by the real credential (<see cref="HeaderInjection"/>),
/// streaming bodies both ways so server-sent events arrive as produced. Refusals are logged without any header value.
/// With the socket transport no TCP port is opened. With the TCP transport (runtimes whose containers live in a VM:
/// Apple Container, Docker Desktop) there are no run sockets: one listener on a host address the containers reach,
/// whose connections carry no run, and a request's run is the live run its token belongs to (<see cref="RunTokens"/>).
/// </summary>
public sealed class CredentialProxyServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpMessageInvoker client;
    private readonly RunSocketTransport transport;
    private readonly RunTokens tokens;
    private readonly ILogger log;
    private readonly System.Net.Sockets.Socket? tcpListener;
    private readonly NanoClaw.Core.Containers.ProxyTransportPlan.Tcp? tcp;

    private CredentialProxyServer(WebApplication app, HttpMessageInvoker client, RunSocketTransport transport, RunTokens tokens,
        ProxyCredentials credentials, string socketDir, ILogger log, System.Net.Sockets.Socket? tcpListener, NanoClaw.Core.Containers.ProxyTransportPlan.Tcp? tcp)
    {
        this.app = app;
        this.client = client;
        this.transport = transport;
        this.tokens = tokens;
        this.log = log;
        this.tcpListener = tcpListener;
        this.tcp = tcp;
        Credentials = credentials;
        SocketDir = socketDir;
    }

    /// <summary>The TCP listener's bound address (TCP transport only).</summary>
    public IPEndPoint? TcpEndPoint => tcpListener?.LocalEndPoint as IPEndPoint;

    /// <summary>The base URL containers are given (TCP transport only).</summary>
    public string? TcpBaseUrl => tcp is null || TcpEndPoint is null ? null : tcp.BaseUrl(TcpEndPoint.Port);

    /// <summary>What it injects.</summary>
    public ProxyCredentials Credentials { get; }

    /// <summary>The host-only directory (mode 0700) holding the run sockets.</summary>
    public string SocketDir { get; }

    /// <summary>
    /// Starts the server; run sockets are created under <paramref name="socketDir"/> by <see cref="OpenRun"/>, or, with
    /// <paramref name="tcp"/>, one TCP listener is bound at its address and <see cref="OpenRun"/> only registers tokens.
    /// </summary>
    /// <param name="counted">
    /// Called with the run and the tokens of each <c>POST /v1/messages</c> response once its body has passed
    /// (<see cref="ResponseUsageReader"/>); null counts nothing.
    /// </param>
    public static async Task<CredentialProxyServer> StartAsync(ProxyCredentials credentials, string socketDir, ILogger log, CancellationToken ct = default,
        NanoClaw.Core.Containers.ProxyTransportPlan.Tcp? tcp = null, Action<ProxyRun, NanoClaw.Core.Usage.ApiTokens>? counted = null)
    {
        log = log.ForContext<CredentialProxyServer>();
        ProxySocketDir.Prepare(socketDir);
        var transport = new RunSocketTransport();
        var tokens = new RunTokens();
        // The empty builder and Kestrel's core (issue 16: memory after the first container): no appsettings or
        // environment configuration, no logging providers, no HTTPS or HTTP/3 set-up: the full UseKestrel loaded its
        // HTTPS configuration and QUIC for a server that only ever speaks plain HTTP/1.1 on the run sockets (or the TCP
        // transport); ~4.5 MB less after the first container. What the proxy does is unchanged (its tests).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddHttpForwarder();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.Listen(RunSocketTransport.Endpoint);
        });
        // Registered after Kestrel's own socket transport, so Kestrel asks this one first (it binds only the run endpoint).
        builder.Services.AddSingleton<IConnectionListenerFactory>(transport);

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
            var path = http.Request.Path.Value ?? "";
            var apiKey = http.Request.Headers["x-api-key"].FirstOrDefault();
            var authorization = http.Request.Headers.Authorization.FirstOrDefault();
            var items = http.Features.Get<IConnectionItemsFeature>()?.Items;
            ProxyRun? run;
            if (items?.TryGetValue(RunSocketTransport.RunItem, out var item) == true && item is ProxyRun socketRun)
                run = socketRun; // the run is the socket's; the token must still be this run's
            else if (items?.ContainsKey(RunSocketTransport.TcpItem) == true)
            {
                run = tokens.Find(ProxyRequestRules.OfferedTokens(apiKey, authorization));
                if (run is null)
                {
                    log.Warning("Credential proxy refused {Method} {Path} from {Container}: {Reason}", http.Request.Method, Printable(path),
                        "tcp " + http.Connection.RemoteIpAddress, ProxyRefusal.NotThisRun);
                    await Refuse(http, ProxyRefusal.NotThisRun);
                    return;
                }
            }
            else
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            var refusal = ProxyRequestRules.Decide(http.Request.Method, path, apiKey, authorization, run.Token, run.Ended);
            if (refusal != ProxyRefusal.None)
            {
                log.Warning("Credential proxy refused {Method} {Path} from {Container}: {Reason}", http.Request.Method, Printable(path), run.Container, refusal);
                await Refuse(http, refusal);
                return;
            }
            // Usage is read from the Messages API's answers as they pass (never count_tokens: it is not billed).
            var body = http.Response.Body;
            var counting = counted is null || path != "/v1/messages" ? null
                : new UsageCountingStream(body, () => http.Response.StatusCode == StatusCodes.Status200OK
                                                      && http.Response.Headers.ContentEncoding.All(e => string.IsNullOrEmpty(e) || e == "identity")
                    ? ResponseUsageReader.For(http.Response.ContentType)
                    : null);
            if (counting is not null) http.Response.Body = counting;
            var error = await forwarder.SendAsync(http, destination, client, requestConfig, transformer);
            if (counting is not null)
            {
                http.Response.Body = body;
                // Also after a broken stream: what message_start announced was spent.
                if (counting.Reader?.Result() is { } tokens)
                {
                    try
                    {
                        counted!(run, tokens);
                    }
                    catch (Exception e)
                    {
                        log.Warning("Credential proxy could not record the usage of {Container}: {Error}", run.Container, e.Message);
                    }
                }
                else
                    log.Debug("Credential proxy found no usage in {Status} {Type} for {Container}", http.Response.StatusCode, http.Response.ContentType, run.Container);
            }
            if (error == ForwarderError.None)
                log.Debug("Proxied {Method} {Path} for {Container} -> {Status} in {Ms:0} ms", http.Request.Method, path, run.Container,
                    http.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            else
                log.Warning("Credential proxy could not forward {Method} {Path} for {Container}: {Error} ({Reason})", http.Request.Method, path,
                    run.Container, error, http.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? "no detail");
        });
        await app.StartAsync(ct);
        System.Net.Sockets.Socket? listener = null;
        try
        {
            if (tcp is not null) listener = transport.OpenTcp(new IPEndPoint(IPAddress.Parse(tcp.ListenAddress), tcp.Port));
        }
        catch
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            await transport.DisposeAsync();
            client.Dispose();
            throw;
        }
        var server = new CredentialProxyServer(app, client, transport, tokens, credentials, socketDir, log, listener, tcp);
        if (tcp is null)
            log.Information("Credential proxy on per-run sockets in {Dir} -> {Upstream} ({Kind})",
                socketDir, credentials.Upstream.GetLeftPart(UriPartial.Authority), credentials.Describe());
        else
            log.Information("Credential proxy on tcp {Listen}, containers use {BaseUrl} with their run token -> {Upstream} ({Kind})",
                server.TcpEndPoint, server.TcpBaseUrl, credentials.Upstream.GetLeftPart(UriPartial.Authority), credentials.Describe());
        return server;
    }

    /// <summary>
    /// Opens the socket of one run and returns its lease: the environment for the container's stdin (socket path and
    /// run token), the host socket path to bind-mount, and the release that closes the socket when the run is over.
    /// </summary>
    public RunLease OpenRun(string containerName)
    {
        if (TcpBaseUrl is { } baseUrl)
        {
            var tcpRun = new ProxyRun(containerName, "", ProxyRequestRules.NewRunToken());
            tokens.Add(tcpRun);
            log.Debug("Credential proxy token registered for {Container}", containerName);
            return new RunLease(tcpRun, Credentials.ForContainerOverTcp(tcpRun.Token, baseUrl), () =>
            {
                tcpRun.End();
                tokens.Remove(tcpRun);
                log.Debug("Credential proxy token of {Container} revoked", containerName);
            });
        }
        var path = Path.Combine(SocketDir, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".sock");
        var run = new ProxyRun(containerName, path, ProxyRequestRules.NewRunToken());
        var socket = transport.Open(path, run);
        log.Debug("Credential proxy socket {Path} opened for {Container}", path, containerName);
        return new RunLease(run, Credentials.ForContainer(run.Token), () =>
        {
            run.End();
            socket.Dispose();
            try { File.Delete(path); } catch (IOException) { }
            log.Debug("Credential proxy socket {Path} of {Container} closed", path, containerName);
        });
    }

    private static Task Refuse(HttpContext http, ProxyRefusal refusal)
    {
        http.Response.StatusCode = refusal == ProxyRefusal.NotThisRun ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
        http.Response.ContentType = "application/json";
        var (type, message) = refusal switch
        {
            ProxyRefusal.NotThisRun => ("authentication_error", "nanoclaw credential proxy: the run token is missing, wrong, or of a run that has ended"),
            ProxyRefusal.RunEnded => ("permission_error", "nanoclaw credential proxy: this run has ended"),
            _ => ("permission_error", "nanoclaw credential proxy: only the Messages API is forwarded"),
        };
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "error",
            ["error"] = new System.Text.Json.Nodes.JsonObject { ["type"] = type, ["message"] = message },
        };
        return http.Response.WriteAsync(body.ToJsonString());
    }

    // A refused path is chosen by the agent: keep control characters out of the log line.
    private static string Printable(string path) =>
        path.Length > 200 ? string.Concat(path.AsSpan(0, 200), "…") : new string(path.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    public async ValueTask DisposeAsync()
    {
        tcpListener?.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await transport.DisposeAsync();
        client.Dispose();
        // Runs still going when the daemon stops lose the API with it; their socket files go too.
        try
        {
            foreach (var socket in Directory.EnumerateFiles(SocketDir, "*.sock")) File.Delete(socket);
        }
        catch (IOException) { }
    }

    private sealed class InjectingTransformer(ProxyCredentials credentials) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            HeaderInjection.Apply(credentials, proxyRequest.Headers);
            // Uncompressed answers, so the proxy can read their usage (ResponseUsageReader).
            proxyRequest.Headers.Remove("Accept-Encoding");
            proxyRequest.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
        }
    }
}

/// <summary>One run's use of the proxy; dispose when the container has exited.</summary>
/// <param name="Run">The run (socket path, token).</param>
/// <param name="Environment">What goes into the container's stdin environment: socket location and the run token.</param>
public sealed class RunLease(ProxyRun run, LanguageExt.Map<string, string> environment, Action release) : IDisposable
{
    private int released;

    /// <summary>The run.</summary>
    public ProxyRun Run { get; } = run;

    /// <summary>Environment for the container's stdin.</summary>
    public LanguageExt.Map<string, string> Environment { get; } = environment;

    /// <summary>Closes the socket and refuses anything still in flight.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0) release();
    }
}
