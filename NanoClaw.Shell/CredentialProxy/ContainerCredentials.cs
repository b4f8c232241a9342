using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Shell.Containers;
using NanoClaw.Shell.Daemon;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.CredentialProxy;

/// <summary>
/// What the daemon hands each container to reach Claude: with <c>container.credential_proxy</c> on, the running
/// proxy's URL and placeholders (no secret enters a container); off, the real credentials on stdin.
/// </summary>
public sealed class ContainerCredentials : IAsyncDisposable
{
    /// <summary>Exit code when the proxy is on but cannot start.</summary>
    public const int ExitProxyUnavailable = 7;

    private readonly Func<Map<string, string>> forContainer;
    private readonly CredentialProxyServer? proxy;

    private ContainerCredentials(Func<Map<string, string>> forContainer, CredentialProxyServer? proxy)
    {
        this.forContainer = forContainer;
        this.proxy = proxy;
    }

    /// <summary>The running proxy, if any.</summary>
    public Option<CredentialProxyServer> Proxy => Optional(proxy);

    /// <summary>The environment for the next container's stdin.</summary>
    public Map<string, string> ForContainer() => forContainer();

    /// <summary>Starts the proxy when configured; a reason when it is configured but cannot run.</summary>
    public static async Task<Either<string, ContainerCredentials>> StartAsync(NanoClawOptions options, Credentials credentials,
        ContainerRuntime runtime, ILogger log, CancellationToken ct)
    {
        if (!options.Container.CredentialProxy)
        {
            log.Information("Credential proxy off (container.credential_proxy: false): credentials go to containers on stdin");
            return new ContainerCredentials(() => ContainerSecrets.Direct(credentials), null);
        }
        var proxyCredentials = ProxyCredentials.From(credentials);
        if (proxyCredentials.Case is string bad) return Left<string, ContainerCredentials>(bad);
        var binding = await ProxyBinding.ForAsync(options.Container.Network, runtime, HostUser.Current().Uid != 0, ct);
        if (binding.Case is string unreachable) return Left<string, ContainerCredentials>(unreachable);
        try
        {
            var server = await CredentialProxyServer.StartAsync((ProxyCredentials)proxyCredentials.Case!, (ProxyBinding)binding.Case!, log, ct);
            return new ContainerCredentials(() => server.ContainerSecrets, server);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            return Left<string, ContainerCredentials>($"the credential proxy could not listen: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (proxy is not null) await proxy.DisposeAsync();
    }
}
