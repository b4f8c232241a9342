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
    public static async Task<Either<string, ContainerCredentials>> StartAsync(NanoClawOptions options, Credentials credentials, ContainerCli cli,
        ILogger log, CancellationToken ct, Action<string, NanoClaw.Core.Usage.ApiTokens>? counted = null)
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
        try
        {
            var server = await CredentialProxyServer.StartAsync((ProxyCredentials)proxyCredentials.Case!, SocketDir(options.Paths.DataDir), log, ct, tcp,
                counted is null ? null : (run, tokens) => counted(run.Container, tokens));
            return new ContainerCredentials(name =>
            {
                var lease = server.OpenRun(name);
                return new RunCredentials(lease.Environment, Optional(lease.Run.SocketPath).Filter(p => p.Length > 0), lease);
            }, server);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or UnauthorizedAccessException)
        {
            return Left<string, ContainerCredentials>(tcp is null
                ? $"the credential proxy could not start: {e.Message}"
                : $"the credential proxy could not listen on {tcp.ListenAddress}:{tcp.Port} (container.proxy_listen): {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (proxy is not null) await proxy.DisposeAsync();
    }

    private sealed class Nothing : IDisposable
    {
        public static readonly Nothing Instance = new();

        public void Dispose() { }
    }
}
