using NanoClaw.Shell.WhatsApp;
using NanoClaw.Tests.Support;
using static NanoClaw.Tests.Shell.Config.NanoclawProcess;

namespace NanoClaw.Tests.WhatsApp;

/// <summary>The real <c>nanoclaw auth whatsapp</c> process, with its sidecar folder pointed at the fake.</summary>
[Trait("Category", "WhatsApp")]
public sealed class AuthCommandProcessTests : IDisposable
{
    private readonly string project = Path.Combine(Path.GetTempPath(), "nanoclaw-auth-" + Guid.NewGuid().ToString("N"));
    private readonly FakeSidecar fake;
    private readonly string sidecarDir;

    public AuthCommandProcessTests()
    {
        Directory.CreateDirectory(project);
        fake = new FakeSidecar(project);
        // A sidecar folder whose entry script runs the fake, as NANOCLAW_SIDECAR_DIR would name a real one.
        sidecarDir = Path.Combine(project, "sidecar");
        Directory.CreateDirectory(Path.Combine(sidecarDir, "src"));
        var fakeUrl = new Uri(Path.Combine(FakeSidecar.FixtureDir, "main.mjs")).AbsoluteUri;
        File.WriteAllText(Path.Combine(sidecarDir, "src", "main.mjs"), $"import '{fakeUrl}';\n");
    }

    private Dictionary<string, string> Env => new() { ["NANOCLAW_SIDECAR_DIR"] = sidecarDir, ["NANOCLAW_SIDECAR_FAKE_DIR"] = fake.Dir };

    [NodeFact]
    public void Links_with_a_QR_code_then_reports_already_linked()
    {
        fake.SetFlag("not-linked", true);
        var first = Run(project, Env, "auth", "whatsapp");
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Scan this QR code", first.StdOut);
        Assert.Contains("WhatsApp linked as +15550009999", first.StdOut);
        Assert.Contains(Path.Combine(project, "store", "auth"), first.StdOut);
        Assert.Contains(Path.Combine(project, "store", "auth"), fake.Connects()[0]);

        var second = Run(project, Env, "auth", "whatsapp");
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("already linked", second.StdOut);
        Assert.DoesNotContain("Scan this QR code", second.StdOut);
    }

    [NodeFact]
    public void With_phone_prints_the_pairing_code()
    {
        fake.SetFlag("not-linked", true);
        var result = Run(project, Env, "auth", "whatsapp", "--phone", "+1 555 123 4567");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("PAIR-4567", result.StdOut);
        Assert.False(HasStackTrace(result.StdErr), result.StdErr);
    }

    [Fact]
    public void Missing_packages_exit_with_the_install_command_and_no_stack_trace()
    {
        File.WriteAllText(Path.Combine(sidecarDir, "package.json"), "{\"dependencies\":{}}");
        var result = Run(project, Env, "auth", "whatsapp");
        Assert.Equal(WhatsAppExitCodes.SidecarUnavailable, result.ExitCode);
        Assert.Contains("bash scripts/install-sidecar.sh", result.StdErr);
        Assert.False(HasStackTrace(result.StdErr), result.StdErr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(project, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
