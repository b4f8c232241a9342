using System.Diagnostics;
using NanoClaw.Tests.Agent;
using NanoClaw.Tests.EndToEnd;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.Sandbox;

/// <summary>
/// Makes sure the rootless user is ready for the image under test (runs <c>.ci/setup-rootless.sh</c>, idempotent: it
/// copies the image into the user's storage only when the ids differ) and copies the daemon's build output where that
/// user can read it (a clone under <c>/root</c> is not). <see cref="Problem"/> says why not, for the test to fail with.
/// </summary>
public sealed class RootlessPodmanFixture : IDisposable
{
    private readonly Lazy<string?> prepared;

    public RootlessPodmanFixture() => prepared = new Lazy<string?>(Prepare);

    /// <summary>Null when ready, else why not (the setup script's output included).</summary>
    public string? Problem => prepared.Value;

    public RootlessUser User { get; private set; } = null!;

    /// <summary>The copy of <c>nanoclaw.dll</c> the rootless user runs.</summary>
    public string DaemonDll { get; private set; } = "";

    private string? appDir;

    private string? Prepare()
    {
        if (!RootlessUser.CanSwitch)
            return $"the tests run as uid {Environment.GetEnvironmentVariable("UID") ?? "non-root"}: the rootless tests start the daemon as {RootlessUser.DefaultName} and need a root test runner";
        var script = Path.Combine(Requirements.RepoRoot(), RootlessUser.SetupScript);
        var info = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["NANOCLAW_CONTAINER__IMAGE"] = ImageRunnerLauncher.Image;
        using (var p = Process.Start(info)!)
        {
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            if (p.ExitCode != 0) return $"{RootlessUser.SetupScript} failed ({p.ExitCode}):\n{output.Result}\n{error.Result}";
        }
        User = RootlessUser.Find() ?? throw new InvalidOperationException($"{RootlessUser.SetupScript} succeeded but there is no user {RootlessUser.DefaultName}");

        var bin = Path.GetDirectoryName(DaemonProcess.NanoclawDll())!;
        appDir = Path.Combine(Path.GetTempPath(), "nanoclaw-rootless-app-" + Guid.NewGuid().ToString("N")[..10]);
        CopyTree(bin, appDir);
        DaemonDll = Path.Combine(appDir, "nanoclaw.dll");
        var read = User.Run("test", "-r", DaemonDll);
        return read.Code == 0 ? null : $"{User.Name} cannot read {DaemonDll}: {read.Output}";
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    public void Dispose()
    {
        if (appDir is null) return;
        try
        {
            Directory.Delete(appDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
