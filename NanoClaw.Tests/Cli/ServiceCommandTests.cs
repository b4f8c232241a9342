namespace NanoClaw.Tests.Cli;

/// <summary>
/// <c>nanoclaw service install|uninstall|status</c> with HOME pointed at a temp directory and systemctl/launchctl
/// replaced by a recording script, so the real home and the real service manager are never touched.
/// </summary>
public sealed class ServiceCommandTests : IDisposable
{
    private readonly CliProject project = new();

    private string UnitPath => Path.Combine(project.Home, ".config", "systemd", "user", "nanoclaw.service");
    private string PlistPath => Path.Combine(project.Home, "Library", "LaunchAgents", "com.nanoclaw.plist");
    private string ManagerLog => Path.Combine(project.Root, "manager.log");

    /// <summary>A fake systemctl/launchctl: logs its arguments; <c>is-active</c> prints <paramref name="state"/>.</summary>
    private void FakeManager(string state = "active", int activateExit = 0)
    {
        var path = Path.Combine(project.Root, "fake-manager");
        File.WriteAllText(path, $$"""
            #!/bin/sh
            printf '%s\n' "$*" >> '{{ManagerLog}}'
            case "$*" in
              *is-active*) echo '{{state}}'; [ '{{state}}' = active ] ;;
              *enable*|load*) exit {{activateExit}} ;;
              "list com.nanoclaw") echo '{ "PID" = 4242; "Label" = "com.nanoclaw"; };' ;;
              *) exit 0 ;;
            esac
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        project.Env["NANOCLAW_SYSTEMCTL"] = path;
        project.Env["NANOCLAW_LAUNCHCTL"] = path;
    }

    private string[] ManagerCalls => File.Exists(ManagerLog) ? File.ReadAllLines(ManagerLog) : [];

    [Fact]
    public void Install_writes_a_unit_for_this_executable_and_project_and_starts_it()
    {
        FakeManager();

        var result = project.Run("service", "install", "--kind", "systemd");

        Assert.True(result.ExitCode == 0, result.StdErr);
        var unit = File.ReadAllLines(UnitPath);
        var nanoclawDll = Path.Combine(AppContext.BaseDirectory, "nanoclaw.dll");
        var exec = Assert.Single(unit, l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        Assert.Matches(@"^ExecStart=\S*dotnet \S*nanoclaw\.dll run$", exec);
        Assert.Contains(nanoclawDll, exec);
        Assert.Contains($"WorkingDirectory={project.Root}", unit);
        Assert.Contains("Restart=on-failure", unit);
        Assert.Contains("StartLimitBurst=5", unit);
        Assert.Equal(["--user daemon-reload", "--user enable --now nanoclaw.service"], ManagerCalls);
    }

    [Fact]
    public void Status_reports_installed_and_active_then_uninstall_stops_and_removes_it()
    {
        FakeManager();
        Assert.Equal(0, project.Run("service", "install", "--kind", "systemd").ExitCode);

        var status = project.Run("service", "status", "--kind", "systemd");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains($"installed: yes ({UnitPath})", status.StdOut);
        Assert.Contains("active: active", status.StdOut);

        var uninstall = project.Run("service", "uninstall", "--kind", "systemd");
        Assert.Equal(0, uninstall.ExitCode);
        Assert.False(File.Exists(UnitPath));
        Assert.Contains("--user disable --now nanoclaw.service", ManagerCalls);
        Assert.Equal("--user daemon-reload", ManagerCalls[^1]);

        var after = project.Run("service", "status", "--kind", "systemd");
        Assert.Equal(1, after.ExitCode);
        Assert.Contains("installed: no", after.StdOut);
    }

    [Fact]
    public void Status_of_an_installed_but_failed_service_exits_1()
    {
        FakeManager(state: "failed");
        Assert.Equal(0, project.Run("service", "install", "--kind", "systemd", "--files-only").ExitCode);
        Assert.Empty(ManagerCalls);

        var status = project.Run("service", "status", "--kind", "systemd");

        Assert.Equal(1, status.ExitCode);
        Assert.Contains("active: failed", status.StdOut);
    }

    [Fact]
    public void Status_notices_a_unit_that_runs_another_installation()
    {
        FakeManager();
        Directory.CreateDirectory(Path.GetDirectoryName(UnitPath)!);
        File.WriteAllText(UnitPath, "[Service]\nWorkingDirectory=/somewhere/else\nExecStart=/old/nanoclaw run\n");

        var status = project.Run("service", "status", "--kind", "systemd");

        Assert.Contains("runs another installation or an older nanoclaw", status.StdOut);
    }

    [Fact]
    public void Status_without_a_service_manager_says_unknown_and_does_not_crash()
    {
        project.Env["NANOCLAW_SYSTEMCTL"] = Path.Combine(project.Root, "no-systemctl");
        Assert.Equal(0, project.Run("service", "install", "--kind", "systemd", "--files-only").ExitCode);

        var status = project.Run("service", "status", "--kind", "systemd");

        Assert.Equal(1, status.ExitCode);
        Assert.Contains("active: unknown (", status.StdOut);
        Assert.False(Shell.Config.NanoclawProcess.HasStackTrace(status.StdErr), status.StdErr);
    }

    [Fact]
    public void A_manager_that_refuses_to_start_it_exits_1_with_the_manual_command()
    {
        FakeManager(activateExit: 1);
        var result = project.Run("service", "install", "--kind", "systemd");
        Assert.Equal(1, result.ExitCode);
        Assert.True(File.Exists(UnitPath));
        Assert.Contains("systemctl --user enable --now nanoclaw.service", result.StdErr);
    }

    [Fact]
    public void Launchd_install_writes_the_plist_under_LaunchAgents_and_loads_it()
    {
        FakeManager();

        var result = project.Run("service", "install", "--kind", "launchd");

        Assert.True(result.ExitCode == 0, result.StdErr);
        var plist = System.Xml.Linq.XDocument.Load(PlistPath);
        Assert.Contains(plist.Descendants("string"), e => e.Value == project.Root);
        Assert.Contains(plist.Descendants("key"), e => e.Value == "ThrottleInterval");
        Assert.Contains($"load -w {PlistPath}", ManagerCalls);
        Assert.Contains("active: active", project.Run("service", "status", "--kind", "launchd").StdOut);
    }

    [Fact]
    public void Uninstall_when_nothing_is_installed_is_fine()
    {
        FakeManager();
        var result = project.Run("service", "uninstall", "--kind", "systemd");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Not installed", result.StdOut);
        Assert.Empty(ManagerCalls);
    }

    public void Dispose() => project.Dispose();
}
