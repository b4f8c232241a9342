using System.Globalization;
using System.Net;
using LanguageExt;
using NanoClaw.Core.Config;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Containers;

/// <summary>
/// How the containers of this daemon reach the credential proxy, decided once at boot from the settings, the runtime
/// and the host OS: a per-run Unix socket (<see cref="Socket"/>), or one TCP listener the container reaches over its
/// network (<see cref="Tcp"/>) for runtimes whose containers live in a VM that cannot see a host socket.
/// </summary>
public abstract record ProxyTransportPlan
{
    private ProxyTransportPlan() { }

    /// <summary>A per-run Unix socket bind-mounted into the container.</summary>
    public sealed record Socket : ProxyTransportPlan
    {
        /// <summary>Describes the transport for <c>doctor</c> and the log.</summary>
        public override string Describe() => "per-run unix socket (bind-mounted at " + MountPlanner.ApiSocketTarget + ")";
    }

    /// <summary>One TCP listener; a run is recognised by its token alone.</summary>
    /// <param name="ListenAddress">Host address to bind (an IP literal).</param>
    /// <param name="Port">Port to bind; 0 lets the OS choose.</param>
    /// <param name="HostFromContainer">Host name or IP the container puts in its base URL.</param>
    public sealed record Tcp(string ListenAddress, int Port, string HostFromContainer) : ProxyTransportPlan
    {
        /// <summary>The base URL a container is given once the listener's port is known.</summary>
        public string BaseUrl(int boundPort) =>
            $"http://{(HostFromContainer.Contains(':') && !HostFromContainer.StartsWith('[') ? "[" + HostFromContainer + "]" : HostFromContainer)}:{boundPort.ToString(CultureInfo.InvariantCulture)}";

        /// <summary>Describes the transport for <c>doctor</c> and the log.</summary>
        public override string Describe() =>
            $"tcp on {(ListenAddress.Contains(':') ? "[" + ListenAddress + "]" : ListenAddress)}:{(Port == 0 ? "<any port>" : Port.ToString(CultureInfo.InvariantCulture))}" +
            $" (containers use http://{HostFromContainer}:<port>, run token required)";
    }

    /// <summary>One line for <c>doctor</c> and the log.</summary>
    public abstract string Describe();

    /// <summary>
    /// The transport for <paramref name="cli"/> on this host. <c>auto</c> is the socket for Podman and Docker on a
    /// Linux host and TCP otherwise (Apple Container; Docker Desktop and Podman machines run containers in a VM).
    /// A reason when the combination cannot work: the socket where containers run in a VM, TCP with
    /// <c>network: none</c> (no route to the host).
    /// </summary>
    public static Either<string, ProxyTransportPlan> Choose(ContainerOptions options, ContainerCli cli, bool hostIsLinux)
    {
        var socketWorks = hostIsLinux && cli is ContainerCli.Podman or ContainerCli.Docker;
        var kind = options.ProxyTransport == ProxyTransportKind.Auto
            ? socketWorks ? ProxyTransportKind.Socket : ProxyTransportKind.Tcp
            : options.ProxyTransport;
        var runtime = cli.ToString().ToLowerInvariant();
        if (kind == ProxyTransportKind.Socket)
            return socketWorks
                ? Right<string, ProxyTransportPlan>(new Socket())
                : Left<string, ProxyTransportPlan>(
                    $"container.proxy_transport: socket needs Linux containers on a Linux host, and {runtime} here runs them in a VM that cannot " +
                    "see a host Unix socket; use proxy_transport: tcp (or auto)");
        if (options.Network == "none")
            return Left<string, ProxyTransportPlan>(
                $"container.network: none leaves the containers no route to the host, and container.proxy_transport " +
                (options.ProxyTransport == ProxyTransportKind.Auto ? $"(auto) is tcp for {runtime}{(hostIsLinux ? "" : " on this host")}" : "is tcp") +
                (socketWorks ? "; use proxy_transport: socket (or auto), which works with network: none" : "; use a bridge network (remove container.network)"));
        var (listen, host) = Defaults(cli, hostIsLinux, options.Network);
        if (options.ProxyListen.Length > 0)
        {
            if (!TryParseListen(options.ProxyListen, out var address, out var port))
                return Left<string, ProxyTransportPlan>($"container.proxy_listen: expected an IP address, optionally with :port, got \"{options.ProxyListen}\"");
            return new Tcp(address, port, options.ProxyHostFromContainer.Length > 0 ? options.ProxyHostFromContainer : host);
        }
        return new Tcp(listen, 0, options.ProxyHostFromContainer.Length > 0 ? options.ProxyHostFromContainer : host);
    }

    /// <summary>
    /// Where the listener binds and what the container calls it, per runtime: Apple Container's vmnet gateway;
    /// Docker Desktop and Podman machines forward <c>host.docker.internal</c> / <c>host.containers.internal</c> to the
    /// host's loopback; on a Linux host, the default bridge's gateway (Podman <c>10.88.0.1</c>, which is what
    /// <c>host.containers.internal</c> names; Docker <c>172.17.0.1</c>). With <c>network: host</c>, loopback.
    /// </summary>
    public static (string Listen, string HostFromContainer) Defaults(ContainerCli cli, bool hostIsLinux, string network) =>
        network == "host" ? ("127.0.0.1", "127.0.0.1")
        : cli switch
        {
            ContainerCli.Apple => ("192.168.64.1", "192.168.64.1"),
            ContainerCli.Docker => hostIsLinux ? ("172.17.0.1", "172.17.0.1") : ("127.0.0.1", "host.docker.internal"),
            _ => hostIsLinux ? ("10.88.0.1", "host.containers.internal") : ("127.0.0.1", "host.containers.internal"),
        };

    /// <summary>Parses <c>container.proxy_listen</c>: an IPv4 or IPv6 literal (IPv6 in brackets when a port follows), optional <c>:port</c>.</summary>
    public static bool TryParseListen(string text, out string address, out int port)
    {
        address = "";
        port = 0;
        var t = text.Trim();
        if (IPAddress.TryParse(t, out var bare) && !t.StartsWith('['))
        {
            address = bare.ToString();
            return true;
        }
        if (!IPEndPoint.TryParse(t, out var endpoint)) return false;
        // IPEndPoint.TryParse accepts "1.2.3.4:" forms loosely; require an explicit, valid port after the last colon.
        var colon = t.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(t[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535) return false;
        address = endpoint.Address.ToString();
        port = p;
        return true;
    }

    /// <summary>Whether <paramref name="host"/> can stand in a URL as <c>container.proxy_host_from_container</c>: a DNS name or an IP literal.</summary>
    public static bool IsHostName(string host) =>
        host.Length is > 0 and <= 253 && Uri.CheckHostName(host.Trim('[', ']')) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6;
}
