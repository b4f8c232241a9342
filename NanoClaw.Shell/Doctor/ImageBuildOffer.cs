using System.Diagnostics;
using NanoClaw.Core.Containers;
using NanoClaw.Shell.Containers;

namespace NanoClaw.Shell.Doctor;

/// <summary>
/// At a terminal, when the only thing wrong with the image is that it has not been built, the doctor offers to run
/// <c>container/build.sh</c> for the configured image and runtime, showing the build's own progress as it goes.
/// </summary>
public static class ImageBuildOffer
{
    /// <summary>True when the offer applies: a person at a terminal, a working runtime, a missing image, and the build script.</summary>
    public static bool Applies(IReadOnlyList<CheckResult> results, string projectRoot) =>
        !Console.IsInputRedirected && !Console.IsOutputRedirected
        && results.Any(r => r.Name == DoctorChecks.Image && r.Status == CheckStatus.Fail && r.Fix?.StartsWith("build it", StringComparison.Ordinal) == true)
        && File.Exists(BuildScript(projectRoot));

    private static string BuildScript(string projectRoot) => Path.Combine(projectRoot, "container", "build.sh");

    /// <summary>Asks, and builds on yes. Returns true when a build ran and succeeded.</summary>
    public static async Task<bool> AskAndBuildAsync(DoctorSession session, CancellationToken ct)
    {
        if (session.Loaded.Case is not Config.ShellContext context) return false;
        await Console.Out.WriteAsync($"Build the agent image {context.Options.Container.Image} now with bash container/build.sh (a few minutes)? [y/N] ");
        var answer = Console.ReadLine()?.Trim();
        if (!string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase))
            return false;
        var (runtime, _) = await session.RuntimeAsync(context.Options, ct);
        var start = new ProcessStartInfo("bash") { WorkingDirectory = context.ProjectRoot };
        start.ArgumentList.Add(BuildScript(context.ProjectRoot));
        start.Environment["IMAGE"] = context.Options.Container.Image;
        runtime.IfSome(rt => start.Environment["CONTAINER_RUNTIME"] = RuntimeCommand.Executable(rt.Cli));
        // The build prints its own steps to this terminal: that is the progress.
        using var build = Process.Start(start)!;
        await build.WaitForExitAsync(ct);
        return build.ExitCode == 0;
    }
}
