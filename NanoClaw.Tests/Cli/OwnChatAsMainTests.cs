using NanoClaw.Core.Domain;
using NanoClaw.Shell.Setup;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.WhatsApp;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Cli;

/// <summary>When WhatsApp links and there is no main group, the account's own chat becomes main (and only then).</summary>
public sealed class OwnChatAsMainTests : IDisposable
{
    private const string Own = "15550009999@s.whatsapp.net"; // the fake sidecar's account
    private readonly CliProject project = new();

    private void UseFakeSidecar()
    {
        var fake = new FakeSidecar(project.Root);
        fake.SetFlag("not-linked", true);
        var sidecar = Path.Combine(project.Root, "sidecar");
        Directory.CreateDirectory(Path.Combine(sidecar, "src"));
        File.WriteAllText(Path.Combine(sidecar, "src", "main.mjs"), $"import '{new Uri(Path.Combine(FakeSidecar.FixtureDir, "main.mjs")).AbsoluteUri}';\n");
        project.Env["NANOCLAW_SIDECAR_DIR"] = sidecar;
        project.Env["NANOCLAW_SIDECAR_FAKE_DIR"] = fake.Dir;
    }

    [NodeFact]
    [Trait("Category", "WhatsApp")]
    public void Linking_for_the_first_time_makes_the_own_chat_the_main_group()
    {
        UseFakeSidecar();

        var result = project.Run("auth", "whatsapp");

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains($"Your own chat ({Own}) is the main group", result.StdOut);
        var main = Assert.Single(project.Store().Groups.All());
        Assert.Equal((Own, "main", true, false), (main.Jid, main.Folder, main.IsMain, main.RequiresTrigger));
        Assert.True(File.Exists(Path.Combine(project.GroupsDir, "main", "CLAUDE.md")));
    }

    [NodeFact]
    [Trait("Category", "WhatsApp")]
    public void Linking_keeps_an_existing_main_group()
    {
        UseFakeSidecar();
        Assert.Equal(0, project.Run("groups", "register", "--main", "--jid", "local:main", "--name", "Desk", "--folder", "desk").ExitCode);

        var result = project.Run("auth", "whatsapp");

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.DoesNotContain("is the main group", result.StdOut);
        var main = Assert.Single(project.Store().Groups.All());
        Assert.Equal(("local:main", "desk"), (main.Jid, main.Folder));
    }

    [Fact]
    public void Register_is_a_no_op_once_any_main_group_exists()
    {
        var store = project.Store();
        var now = DateTimeOffset.Parse("2026-02-01T10:00:00Z");

        var first = OwnChatAsMain.Register(store, Own, project.GroupsDir, "Andy", TimeZoneInfo.Utc, now, Serilog.Core.Logger.None);
        var again = OwnChatAsMain.Register(store, "15551111111@s.whatsapp.net", project.GroupsDir, "Andy", TimeZoneInfo.Utc, now, Serilog.Core.Logger.None);

        Assert.True(first.IsSome);
        Assert.True(again.IsNone);
        var main = Assert.Single(store.Groups.All());
        Assert.Equal(new RegisteredGroup(Own, "Main", "main", "@Andy", "2026-02-01T10:00:00.000Z", None, false, true), main);
    }

    public void Dispose() => project.Dispose();
}
