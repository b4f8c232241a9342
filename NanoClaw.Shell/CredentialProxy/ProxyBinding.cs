using System.Net;
using System.Net.Sockets;
using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Shell.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.CredentialProxy;

/// <summary>
/// Where the proxy listens and how containers name that address. The rule: reachable from the agent containers,
/// never from another machine.
/// <list type="bullet">
/// <item><c>container.network: host</c>: containers share the host's loopback, so the proxy binds <c>127.0.0.1</c>.</item>
/// <item>Bridge networking on Linux (Docker, rootful Podman): the proxy binds the bridge's gateway address (for example
/// <c>172.17.0.1</c> on <c>docker0</c>, <c>10.88.0.1</c> on <c>podman0</c>), an address that exists only on the host
/// side of the container bridge. Podman creates its bridge when the first container starts, so the socket is bound
/// with <c>IP_FREEBIND</c> and starts receiving once the interface is up. Containers get the gateway's IP literally
/// (no dependence on <c>host.containers.internal</c> resolution).</item>
/// <item>Docker Desktop on macOS forwards <c>host.docker.internal</c> to the host's loopback: bind <c>127.0.0.1</c>.</item>
/// <item>Anything else (rootless Podman's private network namespace, Apple Container's VM network) has no address that
/// is both reachable and private: the daemon refuses to start the proxy and says to use <c>container.network: host</c>
/// or turn the proxy off. It never falls back to a public bind.</item>
/// </list>
/// </summary>
/// <param name="Listen">Address the socket binds.</param>
/// <param name="ContainerHost">Host name or IP the containers use in the proxy URL.</param>
/// <param name="FreeBind">Bind before the address exists on an interface (Linux <c>IP_FREEBIND</c>).</param>
public sealed record ProxyBinding(IPAddress Listen, string ContainerHost, bool FreeBind)
{
    /// <summary>Loopback, for containers on the host's network.</summary>
    public static ProxyBinding Loopback { get; } = new(IPAddress.Loopback, "127.0.0.1", false);

    /// <summary>The URL containers use once the port is known.</summary>
    public string UrlFor(int port) => $"http://{ContainerHost}:{port}";

    /// <summary>Decides the binding for the configured network and runtime (may ask the runtime for its bridge's gateway).</summary>
    public static async Task<Either<string, ProxyBinding>> ForAsync(string network, ContainerRuntime runtime, bool rootless, CancellationToken ct)
    {
        if (network == "host") return Loopback;
        if (OperatingSystem.IsMacOS() && runtime.Cli == ContainerCli.Docker)
            return new ProxyBinding(IPAddress.Loopback, "host.docker.internal", false);
        if (!OperatingSystem.IsLinux() || runtime.Cli == ContainerCli.Apple)
            return Left<string, ProxyBinding>($"the credential proxy has no private address reachable from {runtime.Cli} containers on this system; set container.network: host, or container.credential_proxy: false");
        if (runtime.Cli == ContainerCli.Podman && rootless)
            return Left<string, ProxyBinding>("rootless Podman containers cannot reach a host-only address through the bridge; set container.network: host (the proxy then listens on 127.0.0.1), or container.credential_proxy: false");

        var name = network.Length > 0 ? network : runtime.Cli == ContainerCli.Docker ? "bridge" : "podman";
        var format = runtime.Cli == ContainerCli.Docker ? "{{range .IPAM.Config}}{{.Gateway}} {{end}}" : "{{range .Subnets}}{{.Gateway}} {{end}}";
        var inspect = await ProcessRunner.RunAsync(runtime.Executable, ["network", "inspect", name, "--format", format], TimeSpan.FromSeconds(30), ct);
        if (!inspect.Ok) return Left<string, ProxyBinding>($"could not find the gateway of container network '{name}' ({inspect.Reason})");
        var gateway = GatewayOf(inspect.StandardOutput);
        return gateway.Match(
            ip => Right<string, ProxyBinding>(new ProxyBinding(ip, ip.ToString(), true)),
            () => Left<string, ProxyBinding>($"container network '{name}' has no IPv4 gateway"));
    }

    /// <summary>The first private IPv4 address in the runtime's answer (public gateways are refused).</summary>
    public static Option<IPAddress> GatewayOf(string inspectOutput) =>
        inspectOutput.Split([' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(t => IPAddress.TryParse(t, out var ip) ? ip : null)
            .Where(ip => ip is not null && ip.AddressFamily == AddressFamily.InterNetwork && IsPrivate(ip))
            .Select(ip => ip!)
            .HeadOrNone();

    /// <summary>RFC 1918 and loopback addresses.</summary>
    public static bool IsPrivate(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return b.Length == 4 && (b[0] == 10 || b[0] == 127 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168));
    }
}
