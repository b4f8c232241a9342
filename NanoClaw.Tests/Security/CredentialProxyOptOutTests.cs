using NanoClaw.Shell.CredentialProxy;
using NanoClaw.Tests.Cli;

namespace NanoClaw.Tests.Security;

/// <summary>The proxy is the default; turning it off is loud in <c>doctor</c>.</summary>
[Trait("Category", "Security")]
public sealed class CredentialProxyOptOutTests : IDisposable
{
    private readonly CliProject project = new();

    [Fact]
    public void The_default_is_the_proxy_and_doctor_says_so()
    {
        project.WithCredentials();
        var result = project.Run("doctor", "--check", "credentials");
        Assert.Contains("only through the credential proxy", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", result.StdOut, StringComparison.Ordinal);
        Assert.True(NanoClaw.Core.Config.NanoClawOptions.Default.Container.CredentialProxy);
    }

    [Fact]
    public void Doctor_warns_when_the_proxy_is_turned_off()
    {
        project.WithConfig("container:\n  credential_proxy: false\n").WithCredentials();
        var result = project.Run("doctor", "--check", "credentials");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("WARNING: " + ContainerCredentials.OptOutWarning, result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_daemon_warns_at_every_start_when_the_proxy_is_turned_off()
    {
        await using var daemon = new NanoClaw.Tests.Fault.DaemonHarness(credentialProxy: false);
        var before = 0;
        for (var start = 1; start <= 2; start++)
        {
            await daemon.StartAsync();
            await daemon.StopAsync();
            var warnings = daemon.Output.Split('\n').Count(l => l.Contains("WARNING: " + ContainerCredentials.OptOutWarning, StringComparison.Ordinal));
            Assert.True(warnings > before, $"start {start} printed no warning\n{daemon.Output}");
            before = warnings;
        }
    }

    public void Dispose() => project.Dispose();
}
