using System.Collections;
using NanoClaw.Core.Config;
using NanoClaw.Core.Containers;
using NanoClaw.Shell.Config;

namespace NanoClaw.Tests.Shell.Config;

/// <summary>
/// <c>container.proxy_transport</c>, <c>container.proxy_listen</c>, <c>container.proxy_host_from_container</c> and the
/// transport each runtime gets (issue 14: the credential proxy on runtimes that cannot share a host socket).
/// </summary>
public sealed class ProxyTransportConfigTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "nanoclaw-proxy-config-" + Guid.NewGuid().ToString("N"));

    public ProxyTransportConfigTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, true);

    private string Load(string yaml, IDictionary? env, out ContainerOptions container)
    {
        var path = Path.Combine(root, "config.yml");
        File.WriteAllText(path, yaml);
        var result = ConfigLoader.Load(path, env ?? new Hashtable());
        container = result.Match(r => r.Options.Container, _ => NanoClawOptions.Default.Container);
        return result.Match(_ => "", e => e.Message);
    }

    private static ContainerOptions With(ProxyTransportKind kind, string network = "", string listen = "", string host = "") =>
        NanoClawOptions.Default.Container with { ProxyTransport = kind, Network = network, ProxyListen = listen, ProxyHostFromContainer = host };

    [Fact]
    public void The_defaults_are_auto_and_the_runtimes_addresses_and_the_shipped_config_says_so()
    {
        Assert.Equal("", Load("", null, out var c));
        Assert.Equal(ProxyTransportKind.Auto, c.ProxyTransport);
        Assert.Equal("", c.ProxyListen);
        Assert.Equal("", c.ProxyHostFromContainer);
        var shipped = File.ReadAllText(Path.Combine(Support.Requirements.RepoRoot(), "config.yml"));
        Assert.Contains("proxy_transport: auto", shipped, StringComparison.Ordinal);
        Assert.Contains("proxy_listen: \"\"", shipped, StringComparison.Ordinal);
        Assert.Contains("proxy_host_from_container: \"\"", shipped, StringComparison.Ordinal);
        Assert.Equal("", Load(shipped, null, out var fromShipped));
        Assert.Equal((ProxyTransportKind.Auto, "", ""), (fromShipped.ProxyTransport, fromShipped.ProxyListen, fromShipped.ProxyHostFromContainer));
    }

    [Fact]
    public void The_keys_are_read_from_the_file_and_the_environment()
    {
        Assert.Equal("", Load("container:\n  proxy_transport: TCP\n  proxy_listen: 10.88.0.1:8462\n  proxy_host_from_container: host.containers.internal\n", null, out var c));
        Assert.Equal(ProxyTransportKind.Tcp, c.ProxyTransport);
        Assert.Equal("10.88.0.1:8462", c.ProxyListen);
        Assert.Equal("host.containers.internal", c.ProxyHostFromContainer);
        Assert.Equal("", Load("", new Hashtable { ["NANOCLAW_CONTAINER__PROXY_TRANSPORT"] = "socket", ["NANOCLAW_CONTAINER__PROXY_LISTEN"] = "[::1]:0" }, out var e));
        Assert.Equal(ProxyTransportKind.Socket, e.ProxyTransport);
        Assert.Equal("[::1]:0", e.ProxyListen);
    }

    [Theory]
    [InlineData("proxy_transport: vm", "config.yml: container.proxy_transport: expected one of auto, socket, tcp, got \"vm\"")]
    [InlineData("proxy_listen: localhost", "config.yml: container.proxy_listen: expected an IP address, optionally with :port")]
    [InlineData("proxy_listen: 10.88.0.1:99999", "config.yml: container.proxy_listen: expected an IP address")]
    [InlineData("proxy_listen: \"10.88.0.1:\"", "config.yml: container.proxy_listen: expected an IP address")]
    [InlineData("proxy_host_from_container: http://host.docker.internal", "config.yml: container.proxy_host_from_container: expected a host name or IP address")]
    [InlineData("proxy_host_from_container: \"host:8080\"", "config.yml: container.proxy_host_from_container: expected a host name or IP address")]
    public void A_bad_value_names_the_key(string line, string expected)
    {
        var error = Load("container:\n  " + line + "\n", null, out _);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_none_with_the_tcp_transport_is_an_error_naming_both_keys()
    {
        var error = Load("container:\n  proxy_transport: tcp\n  network: none\n", null, out _);
        Assert.Contains("container.proxy_transport", error, StringComparison.Ordinal);
        Assert.Contains("container.network", error, StringComparison.Ordinal);
        Assert.Contains("config.yml: container.proxy_transport: tcp", error, StringComparison.Ordinal);
        var fromEnv = Load("container:\n  network: none\n", new Hashtable { ["NANOCLAW_CONTAINER__PROXY_TRANSPORT"] = "tcp" }, out _);
        Assert.StartsWith("environment variable NANOCLAW_CONTAINER__PROXY_TRANSPORT: container.proxy_transport: tcp", fromEnv, StringComparison.Ordinal);
        Assert.Contains("config.yml) is none", fromEnv, StringComparison.Ordinal);
        // The socket (and auto, which is the socket for Podman on Linux) is fine with network: none.
        Assert.Equal("", Load("container:\n  proxy_transport: socket\n  network: none\n", null, out _));
        Assert.Equal("", Load("container:\n  network: none\n", null, out _));
    }

    [Theory]
    [InlineData(ContainerCli.Podman, true, "socket", "", "")]
    [InlineData(ContainerCli.Docker, true, "socket", "", "")]
    [InlineData(ContainerCli.Apple, false, "tcp", "192.168.64.1", "192.168.64.1")]
    [InlineData(ContainerCli.Docker, false, "tcp", "127.0.0.1", "host.docker.internal")]
    [InlineData(ContainerCli.Podman, false, "tcp", "127.0.0.1", "host.containers.internal")]
    public void Auto_picks_the_socket_on_linux_and_tcp_where_containers_live_in_a_vm(ContainerCli cli, bool linux, string kind, string listen, string host)
    {
        var plan = ProxyTransportPlan.Choose(With(ProxyTransportKind.Auto), cli, linux).IfLeft(r => throw new Xunit.Sdk.XunitException(r));
        if (kind == "socket")
            Assert.IsType<ProxyTransportPlan.Socket>(plan);
        else
            Assert.Equal(new ProxyTransportPlan.Tcp(listen, 0, host), plan);
    }

    [Fact]
    public void Forced_tcp_on_linux_listens_on_the_bridge_gateway_and_the_settings_override_it()
    {
        Assert.Equal(new ProxyTransportPlan.Tcp("10.88.0.1", 0, "host.containers.internal"),
            ProxyTransportPlan.Choose(With(ProxyTransportKind.Tcp), ContainerCli.Podman, true).IfLeft(r => throw new Xunit.Sdk.XunitException(r)));
        Assert.Equal(new ProxyTransportPlan.Tcp("172.17.0.1", 0, "172.17.0.1"),
            ProxyTransportPlan.Choose(With(ProxyTransportKind.Tcp), ContainerCli.Docker, true).IfLeft(r => throw new Xunit.Sdk.XunitException(r)));
        Assert.Equal(new ProxyTransportPlan.Tcp("127.0.0.1", 0, "127.0.0.1"),
            ProxyTransportPlan.Choose(With(ProxyTransportKind.Tcp, network: "host"), ContainerCli.Podman, true).IfLeft(r => throw new Xunit.Sdk.XunitException(r)));
        var custom = ProxyTransportPlan.Choose(With(ProxyTransportKind.Tcp, listen: "[fd00::1]:8462", host: "gw.internal"), ContainerCli.Apple, false)
            .IfLeft(r => throw new Xunit.Sdk.XunitException(r));
        Assert.Equal(new ProxyTransportPlan.Tcp("fd00::1", 8462, "gw.internal"), custom);
        Assert.Equal("http://[fd00::1]:8462", new ProxyTransportPlan.Tcp("fd00::1", 8462, "fd00::1").BaseUrl(8462));
    }

    [Fact]
    public void Impossible_combinations_are_refused_with_the_keys_named()
    {
        var vmSocket = ProxyTransportPlan.Choose(With(ProxyTransportKind.Socket), ContainerCli.Apple, false);
        Assert.Contains("container.proxy_transport: socket", vmSocket.IfRight(_ => ""), StringComparison.Ordinal);
        var appleNone = ProxyTransportPlan.Choose(With(ProxyTransportKind.Auto, network: "none"), ContainerCli.Apple, false).IfRight(_ => "");
        Assert.Contains("container.network: none", appleNone, StringComparison.Ordinal);
        Assert.Contains("container.proxy_transport (auto) is tcp for apple", appleNone, StringComparison.Ordinal);
        var podmanNone = ProxyTransportPlan.Choose(With(ProxyTransportKind.Tcp, network: "none"), ContainerCli.Podman, true).IfRight(_ => "");
        Assert.Contains("container.network: none", podmanNone, StringComparison.Ordinal);
        Assert.Contains("proxy_transport: socket", podmanNone, StringComparison.Ordinal);
        Assert.IsType<ProxyTransportPlan.Socket>(ProxyTransportPlan.Choose(With(ProxyTransportKind.Auto, network: "none"), ContainerCli.Podman, true)
            .IfLeft(r => throw new Xunit.Sdk.XunitException(r)));
    }
}
