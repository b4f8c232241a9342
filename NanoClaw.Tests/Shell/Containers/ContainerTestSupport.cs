using System.Collections.Concurrent;
using System.Diagnostics;
using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Containers;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Shell.Containers;

/// <summary>Collects rendered log messages so tests can check what was logged.</summary>
internal sealed class ListSink : ILogEventSink
{
    public ConcurrentQueue<string> Messages { get; } = new();
    public void Emit(LogEvent logEvent) => Messages.Enqueue(logEvent.RenderMessage());
    public ILogger Logger() => new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();
}

/// <summary>A throw-away project root with groups/, data/, container/skills and an allowlist path, deleted afterwards.</summary>
internal sealed class TempProject : IDisposable
{
    public TempProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "nanoclaw-ct-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(Root, "groups"));
        Directory.CreateDirectory(Path.Combine(Root, "data"));
        Directory.CreateDirectory(Path.Combine(Root, "container", "skills", "demo-skill"));
        File.WriteAllText(Path.Combine(Root, "container", "skills", "demo-skill", "SKILL.md"), "# demo skill\n");
        Outside = Path.Combine(Path.GetTempPath(), "nanoclaw-ct-out-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Outside);
    }

    public string Root { get; }

    /// <summary>A directory outside the project for allowlist roots, fake homes and the allowlist file.</summary>
    public string Outside { get; }

    public string Groups => Path.Combine(Root, "groups");
    public string Data => Path.Combine(Root, "data");
    public string AllowlistPath => Path.Combine(Outside, "mount-allowlist.json");

    /// <summary>Where the runner writes a group's run logs (host-only, not under groups/).</summary>
    public string RunLogs(string folder) => Path.Combine(Root, "logs", "runs", folder);

    public ContainerRunnerOptions Options(string image = "localhost/nanoclaw-test:latest", long maxOutput = 1 << 20, bool verbose = false, int uid = 0) =>
        new(Root, Groups, Data, image, DefaultTimeoutMs: 1000, IdleTimeoutMs: 1000, maxOutput, "Europe/Berlin", AllowlistPath,
            verbose, uid, uid, StopGrace: TimeSpan.FromSeconds(1));

    public void Dispose()
    {
        foreach (var dir in new[] { Root, Outside })
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

internal static class ContainerTestData
{
    public static RegisteredGroup Group(string folder, bool isMain = false, Option<ContainerConfig> config = default) =>
        new("jid-" + folder + "@g.us", "Group " + folder, folder, "@Andy", "2026-01-01T00:00:00.000Z", config, !isMain, isMain);

    public static ContainerRunRequest Request(RegisteredGroup group, string prompt, Map<string, string> secrets = default) =>
        new(group,
            new ContainerInput(prompt, None, group.Folder, group.Jid, group.IsMain, false, "Andy", None, secrets),
            Seq<ScheduledTask>(), Seq<AvailableGroup>(), Seq<(string, string)>());

    /// <summary>Waits for the run and collects every record it streamed.</summary>
    public static async Task<(List<ContainerOutput> Records, ContainerRunResult Result)> Collect(ContainerRun run, TimeSpan? limit = null)
    {
        var records = new List<ContainerOutput>();
        using var sub = run.Outputs.Subscribe(r => { lock (records) records.Add(r); });
        var result = await run.Completion.WaitAsync(limit ?? TimeSpan.FromMinutes(2));
        lock (records) return (records.ToList(), result);
    }

    public static string Results(IEnumerable<ContainerOutput> records) =>
        string.Join("\n", records.Select(r => r.Result.IfNone("")));

    /// <summary>Runs podman directly (test set-up and checks only; the code under test uses the runtime classes).</summary>
    public static (int Exit, string Out) Podman(params string[] args)
    {
        var psi = new ProcessStartInfo("podman") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    private static readonly object ImageGate = new();
    private static bool imageReady;

    /// <summary>Builds the test image if it is missing (scripts/install-test-image.sh does the same for CI).</summary>
    public static void EnsureTestImage()
    {
        lock (ImageGate)
        {
            if (imageReady) return;
            if (Podman("image", "exists", "localhost/nanoclaw-test:latest").Exit != 0)
            {
                var dir = Path.Combine(Support.Requirements.RepoRoot(), "NanoClaw.Tests", "Fixtures", "test-image");
                var (exit, _) = Podman("build", "--network", "host", "-t", "localhost/nanoclaw-test:latest", dir);
                Assert.True(exit == 0, "building the test image failed; run scripts/install-test-image.sh");
            }
            imageReady = true;
        }
    }
}
