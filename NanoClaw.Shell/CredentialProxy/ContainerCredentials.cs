using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Core.Containers;
using NanoClaw.Shell.Containers;
using NanoClaw.Shell.Daemon;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.CredentialProxy;

/// <summary>
/// What the daemon hands each container to reach Claude. With <c>container.credential_proxy: true</c> (the default)
/// every run gets its own run token and a way to the proxy (its own socket, or the proxy's TCP listener: see
/// <see cref="ProxyTransportPlan"/>) and no secret enters any container; with <c>false</c> the real
/// credentials go to every container on stdin, which the daemon warns about at every start.
/// </summary>
public sealed class ContainerCredentials : IAsyncDisposable
{
    /// <summary>Exit code when the proxy is on but cannot start.</summary>
    public const int ExitProxyUnavailable = 7;

    /// <summary>The warning printed at every start (and by <c>doctor</c>) when the proxy is turned off.</summary>
    public const string OptOutWarning =
        "container.credential_proxy is false: your Anthropic API key / token is handed to every agent container, where any " +
        "command the agent runs (or a prompt injection in any chat makes it run) can read it. Remove the setting (the default " +
        "is true) unless you really need the key inside the containers.";

    private readonly Func<string, RunCredentials> forRun;
    private readonly CredentialProxyServer? proxy;
    private DeferredProxy? deferred;

    private ContainerCredentials(Func<string, RunCredentials> forRun, CredentialProxyServer? proxy)
    {
        this.forRun = forRun;
        this.proxy = proxy;
    }

    /// <summary>The running proxy, if any.</summary>
    public Option<CredentialProxyServer> Proxy => Optional(proxy);

    /// <summary>What the run of container <paramref name="containerName"/> gets (for <see cref="ContainerRunner.CredentialsFor"/>).</summary>
    public RunCredentials ForRun(string containerName) => forRun(containerName);

    /// <summary>The proxy's socket directory under the data directory (host-only, 0700).</summary>
    public static string SocketDir(string dataDir) => Path.Combine(dataDir, "proxy");

    /// <summary>
    /// Starts the proxy when configured, with the transport <see cref="ProxyTransportPlan.Choose"/> picks for
    /// <paramref name="cli"/> on this host; a reason when it is configured but cannot run.
    /// </summary>
    /// <param name="counted">Called with the container name and tokens of each Messages API answer the proxy forwards.</param>
    public static Task<Either<string, ContainerCredentials>> StartAsync(NanoClawOptions options, Credentials credentials, ContainerCli cli,
        ILogger log, CancellationToken ct, Action<string, NanoClaw.Core.Usage.ApiTokens>? counted = null) =>
        StartAsync(options, credentials, cli, log, ct, counted, lazy: false);

    /// <summary>
    /// As <see cref="StartAsync(NanoClawOptions, Credentials, ContainerCli, ILogger, CancellationToken, Action{string, NanoClaw.Core.Usage.ApiTokens}?)"/>,
    /// but with <paramref name="lazy"/> and the per-run socket transport the proxy's server (Kestrel + YARP) starts with
    /// the first <see cref="ForRun"/>, not now: what can fail for a reason of this host (the plan, the credentials, the
    /// socket directory) is still checked now. The TCP transport always starts at once (its port may be taken).
    /// </summary>
    public static async Task<Either<string, ContainerCredentials>> StartAsync(NanoClawOptions options, Credentials credentials, ContainerCli cli,
        ILogger log, CancellationToken ct, Action<string, NanoClaw.Core.Usage.ApiTokens>? counted, bool lazy)
    {
        if (!options.Container.CredentialProxy)
        {
            log.Warning("SECURITY WARNING: " + OptOutWarning);
            await Console.Error.WriteLineAsync("nanoclaw: WARNING: " + OptOutWarning);
            var direct = ContainerSecrets.Direct(credentials);
            return new ContainerCredentials(_ => new RunCredentials(direct, None, Nothing.Instance), null);
        }
        var plan = ProxyTransportPlan.Choose(options.Container, cli, OperatingSystem.IsLinux());
        if (plan.Case is string impossible) return Left<string, ContainerCredentials>(impossible);
        var tcp = plan.Case as ProxyTransportPlan.Tcp;
        var proxyCredentials = ProxyCredentials.From(credentials);
        if (proxyCredentials.Case is string bad) return Left<string, ContainerCredentials>(bad);
        var socketDir = SocketDir(options.Paths.DataDir);
        Action<ProxyRun, NanoClaw.Core.Usage.ApiTokens>? countedRun = counted is null ? null : (run, tokens) => counted(run.Container, tokens);
        try
        {
            if (lazy && tcp is null)
            {
                ProxySocketDir.Prepare(socketDir);
                var deferred = new DeferredProxy((ProxyCredentials)proxyCredentials.Case!, socketDir, log, countedRun);
                log.Information("Credential proxy ready on per-run sockets in {Dir}; its server starts with the first container", socketDir);
                return new ContainerCredentials(deferred.ForRun, null) { deferred = deferred };
            }
            var server = await CredentialProxyServer.StartAsync((ProxyCredentials)proxyCredentials.Case!, socketDir, log, ct, tcp, countedRun);
            return new ContainerCredentials(name => ForRunOf(server, name), server);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or UnauthorizedAccessException)
        {
            return Left<string, ContainerCredentials>(tcp is null
                ? $"the credential proxy could not start: {e.Message}"
                : $"the credential proxy could not listen on {tcp.ListenAddress}:{tcp.Port} (container.proxy_listen): {e.Message}");
        }
    }

    private static RunCredentials ForRunOf(CredentialProxyServer server, string name)
    {
        var lease = server.OpenRun(name);
        return new RunCredentials(lease.Environment, Optional(lease.Run.SocketPath).Filter(p => p.Length > 0), lease);
    }

    /// <summary>True once the proxy's server runs (at once, or after the first run with a lazy start).</summary>
    public bool ServerStarted => proxy is not null || deferred?.Started == true;

    public async ValueTask DisposeAsync()
    {
        if (proxy is not null) await proxy.DisposeAsync();
        if (deferred is not null) await deferred.DisposeAsync();
    }

    /// <summary>
    /// The proxy's server started by the first run that needs it (Daemon/README.md, "Start and stop of the servers"):
    /// until then no Kestrel or YARP code is loaded. Concurrent first runs wait for the one start; a start that fails
    /// fails that run (the container runner reports it) and the next run tries again.
    /// </summary>
    private sealed class DeferredProxy(ProxyCredentials credentials, string socketDir, ILogger log, Action<ProxyRun, NanoClaw.Core.Usage.ApiTokens>? counted)
        : IAsyncDisposable
    {
        private readonly Lock gate = new();
        private CredentialProxyServer? server;
        private bool disposed;

        public bool Started => Volatile.Read(ref server) is not null;

        public RunCredentials ForRun(string name)
        {
            lock (gate)
            {
                if (disposed) throw new IOException("the daemon is stopping");
                if (server is null)
                {
                    try
                    {
                        // On the group's worker thread, once per daemon; Kestrel with the run-socket transport binds nothing.
                        server = CredentialProxyServer.StartAsync(credentials, socketDir, log, CancellationToken.None, null, counted).GetAwaiter().GetResult();
                    }
                    catch (Exception e) when (e is InvalidOperationException or UnauthorizedAccessException)
                    {
                        throw new IOException($"the credential proxy could not start: {e.Message}", e);
                    }
                }
                return ForRunOf(server, name);
            }
        }

        public async ValueTask DisposeAsync()
        {
            CredentialProxyServer? started;
            lock (gate)
            {
                disposed = true;
                started = server;
            }
            if (started is not null) await started.DisposeAsync();
        }
    }

    private sealed class Nothing : IDisposable
    {
        public static readonly Nothing Instance = new();

        public void Dispose() { }
    }
}
