using System.Diagnostics;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.Agent;

/// <summary>The browser skill's helper drives the image's Chromium as the node user (JavaScript runs).</summary>
[Collection("RealClaude")]
public sealed class BrowserSkillImageTests(AgentImageFixture image) : IClassFixture<AgentImageFixture>
{
    [PodmanFact]
    public async Task Browse_text_returns_the_page_after_its_javascript_ran()
    {
        Assert.True(image.Problem is null, image.Problem);
        var page = Directory.CreateTempSubdirectory("nanoclaw-page-");
        var name = "nanoclaw-test-browse-" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            File.WriteAllText(Path.Combine(page.FullName, "index.html"),
                "<html><body><p id=o>static</p><script>document.getElementById('o').textContent = 'rendered by script ' + (6 * 7);</script></body></html>");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(page.FullName, (UnixFileMode)0b111_101_101);
            var skills = Path.Combine(Requirements.RepoRoot(), "container", "skills");
            var info = new ProcessStartInfo("podman") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "run", "--rm", "--name", name, "--entrypoint", "bash" }
                .Concat(ImageRunnerLauncher.DefaultLimits)
                .Concat([
                    "-v", $"{skills}:/home/node/.claude/skills:ro", "-v", $"{page.FullName}:/page:ro",
                    ImageRunnerLauncher.Image, "/home/node/.claude/skills/browser/browse.sh", "text", "file:///page/index.html",
                ]))
            {
                info.ArgumentList.Add(a);
            }
            using var p = Process.Start(info)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

            Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {await stderr}");
            Assert.Contains("rendered by script 42", await stdout);
            Assert.DoesNotContain("static", await stdout);
        }
        finally
        {
            using (var rm = Process.Start(new ProcessStartInfo("podman", ["rm", "-f", "--ignore", name]) { RedirectStandardOutput = true, RedirectStandardError = true }))
                rm?.WaitForExit(30_000);
            page.Delete(recursive: true);
        }
    }
}
