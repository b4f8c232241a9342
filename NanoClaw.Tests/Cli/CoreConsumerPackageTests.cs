using System.Diagnostics;
using System.Security.Cryptography;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.Cli;

/// <summary>
/// NanoClaw.Core as a package: <c>dotnet pack</c> into a temporary feed, then samples/CoreConsumer (a PackageReference,
/// no project reference) restored from that feed into its own packages folder, built and run; its output is the
/// routing and queue decisions on its own events.
/// </summary>
[Trait("Category", "Package")]
public sealed class CoreConsumerPackageTests : IDisposable
{
    private readonly string work = Path.Combine(Path.GetTempPath(), "nanoclaw-pkg-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public void The_sample_runs_routing_and_the_queue_from_the_packed_nupkg()
    {
        var repo = Requirements.RepoRoot();
        var feed = Path.Combine(work, "feed");
        var packages = Path.Combine(work, "packages");
        var app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);

        var pack = Dotnet(repo, "pack", Path.Combine(repo, "NanoClaw.Core", "NanoClaw.Core.csproj"), "-o", feed, "--nologo");
        Assert.True(pack.ExitCode == 0, pack.Output);
        var nupkg = Path.Combine(feed, "NanoClaw.Core.0.1.0.nupkg");
        Assert.True(File.Exists(nupkg), pack.Output);

        // The sample as someone else would have it: its own folder, outside this repository's build settings.
        var sample = Path.Combine(repo, "samples", "CoreConsumer");
        foreach (var file in new[] { "CoreConsumer.csproj", "Program.cs" }) File.Copy(Path.Combine(sample, file), Path.Combine(app, file));
        Assert.DoesNotContain("ProjectReference", File.ReadAllText(Path.Combine(app, "CoreConsumer.csproj")));
        File.WriteAllText(Path.Combine(app, "NuGet.config"), NuGetConfig(feed, packages));

        var run = Dotnet(app, "run", "--nologo");

        Assert.True(run.ExitCode == 0, run.Output);
        var lines = run.StdOut.Replace("\r", "").Split('\n');
        Assert.Equal(["trigger m1: False", "trigger m2: True", "trigger m3: True"], lines[..3]);
        Assert.Contains("<message sender=\"Carol\" time=\"Jan 31, 2026, 6:04 PM\">@andy vegetarian please &amp; quick</message>", lines);
        Assert.Equal(
        [
            "queue messages for family -> StartMessageContainer family",
            "queue messages for work -> StartMessageContainer work",
            "queue messages for club -> (wait)",
            "queue family finished (Success) -> StartMessageContainer club",
        ], lines.Where(l => l.StartsWith("queue ", StringComparison.Ordinal)));
        // What was compiled against is exactly the package just packed, from the private packages folder.
        var restored = Path.Combine(packages, "nanoclaw.core", "0.1.0", "nanoclaw.core.0.1.0.nupkg");
        Assert.Equal(Sha512(nupkg), Sha512(restored));
    }

    /// <summary>
    /// The temporary feed serves NanoClaw.Core and only it (source mapping); other packages come from this machine's
    /// package cache when it has them, else nuget.org. A private packages folder means no stale 0.1.0 is ever reused.
    /// </summary>
    private static string NuGetConfig(string feed, string packages)
    {
        var cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var useCache = Directory.Exists(cache);
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{packages}" /></config>
              <packageSources>
                <clear />
                <add key="local-feed" value="{feed}" />
                {(useCache ? $"<add key=\"machine-cache\" value=\"{cache}\" />" : "")}
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local-feed"><package pattern="NanoClaw.Core" /></packageSource>
                {(useCache ? "<packageSource key=\"machine-cache\"><package pattern=\"*\" /></packageSource>" : "")}
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """;
    }

    private sealed record Outcome(int ExitCode, string StdOut, string Output);

    private static Outcome Dotnet(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        // The test host's MSBuild settings must not leak into a separate build.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(600_000))
        {
            process.Kill(true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within 10 minutes");
        }
        return new Outcome(process.ExitCode, stdout.Result, $"dotnet {string.Join(' ', args)} exited {process.ExitCode}\n{stdout.Result}\n{stderr.Result}");
    }

    private static string Sha512(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA512.HashData(file));
    }

    public void Dispose()
    {
        try { Directory.Delete(work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
