using Microsoft.Playwright;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.Dashboard;

/// <summary>
/// Debian's headless Chromium driven by Playwright (its own browser download cannot run here). Under CI=true a missing
/// chromium fails the test (scripts/test.sh installs it); locally it skips.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static bool Installed => File.Exists(ExecutablePath);

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        Playwright = playwright;
        Browser = browser;
    }

    public IPlaywright Playwright { get; }
    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        Assert.True(Installed, $"{ExecutablePath} is missing: apt-get install -y chromium (scripts/test.sh does)");
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--headless"],
        });
        return new Chromium(playwright, browser);
    }

    /// <summary>Where screenshots go: <c>TestResults/</c> beside the test assembly (CI keeps it as an artefact).</summary>
    public static string ArtefactPath(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        Playwright.Dispose();
    }
}

/// <summary>A test that needs /usr/bin/chromium; skips locally without it, never under CI.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute() => Skip = Requirements.SkipUnless(Chromium.Installed, "chromium (/usr/bin/chromium)");
}
