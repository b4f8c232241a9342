using NanoClaw.Shell.Config;
using NanoClaw.Shell.Containers;
using NanoClaw.Shell.Doctor;
using NanoClaw.Shell.Store;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Setup;

/// <summary>
/// Before the daemon starts: runs the doctor's set-up checks and, when something is missing, explains it in the order
/// to fix it, one command each, instead of failing on the first gap. Every start checks what only a person can fix
/// (credentials, WhatsApp sidecar and link, main group); the first start (no store yet) also checks the container
/// runtime and the agent image. Later starts leave those to the daemon, which waits for a runtime that comes up late
/// at boot instead of exiting.
/// </summary>
public static class FirstRunGuide
{
    /// <summary>The checks for this start, in the order to fix them.</summary>
    public static IReadOnlyList<string> ChecksFor(bool firstStart) =>
        firstStart ? DoctorChecks.FirstRun : DoctorChecks.FirstRun.Where(c => c is not (DoctorChecks.Runtime or DoctorChecks.Image)).ToList();

    /// <summary>True when the daemon may start; false after printing the guide.</summary>
    public static async Task<bool> CheckAsync(ShellContext context, TextWriter output, CancellationToken ct)
    {
        var firstStart = IsFirstStart(context);
        using var session = new DoctorSession(Right(context), context.ProjectRoot, Environment.GetEnvironmentVariables(),
            ContainerRunnerOptions.DefaultAllowlistPath, TextWriter.Null, ownsContext: false);
        var missing = (await DoctorChecks.RunAsync(session, [.. ChecksFor(firstStart)], ct))
            .Where(r => r.Status == CheckStatus.Fail).ToList();
        // A runtime that is installed but not up yet is waited for at boot (SPEC §7), and the image can only be
        // looked for once it answers: neither stops the daemon here.
        if (missing.Any(r => r.DaemonWaits))
            missing = missing.Where(r => !r.DaemonWaits && r.Name != DoctorChecks.Image).ToList();
        if (missing.Count == 0) return true;
        await output.WriteAsync(Format(context.ProjectRoot, missing));
        return false;
    }

    /// <summary>No store yet: the checks include the runtime and the image.</summary>
    public static bool IsFirstStart(ShellContext context) =>
        !File.Exists(Path.Combine(context.Options.Paths.StoreDir, NanoClawStore.DatabaseFileName));

    /// <summary>The numbered list of what is missing, each with its fix.</summary>
    public static string Format(string projectRoot, IReadOnlyList<CheckResult> missing)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"NanoClaw is not set up yet in {projectRoot}. Still to do, in this order:");
        for (var i = 0; i < missing.Count; i++)
        {
            text.AppendLine($"  {i + 1}. {Title(missing[i].Name)}: {missing[i].Detail}");
            text.AppendLine($"     fix: {missing[i].Fix}");
        }
        text.AppendLine("Then start it again with: nanoclaw run   (nanoclaw doctor checks everything)");
        return text.ToString();
    }

    private static string Title(string check) => check switch
    {
        DoctorChecks.Credentials => "Credentials",
        DoctorChecks.Runtime => "Container runtime",
        DoctorChecks.Image => "Agent image",
        DoctorChecks.Sidecar => "WhatsApp sidecar",
        DoctorChecks.WhatsApp => "WhatsApp link",
        DoctorChecks.MainGroup => "Main group",
        _ => check,
    };
}
