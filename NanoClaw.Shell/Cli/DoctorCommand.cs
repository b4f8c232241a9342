using System.CommandLine;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.Containers;
using NanoClaw.Shell.Doctor;

namespace NanoClaw.Shell.Cli;

/// <summary><c>nanoclaw doctor [--check NAME]</c>: checks every prerequisite and prints the fix for each failure.</summary>
public static class DoctorCommand
{
    public static Command Build()
    {
        var check = new Option<string[]>("--check")
        {
            Description = "Run only this check (repeatable): " + string.Join(", ", DoctorChecks.Names),
            AllowMultipleArgumentsPerToken = false,
        };
        check.AcceptOnlyFromAmong([.. DoctorChecks.Names]);
        var command = new Command("doctor",
            "Check the installation: config, credentials, container runtime, agent image, WhatsApp sidecar and link, store, " +
            "main group, mount allowlist, disk. One line per check with the fix for each failure. Exit codes: 0 all passed, 1 something failed");
        command.Options.Add(check);
        command.SetAction(async (parse, token) =>
        {
            var (path, mustExist) = ShellContext.ConfigPathFrom(parse);
            using var session = DoctorSession.Load(path, mustExist, Environment.GetEnvironmentVariables(),
                ContainerRunnerOptions.DefaultAllowlistPath, Console.Error);
            var results = await DoctorChecks.RunAsync(session, parse.GetValue(check) ?? [], token);
            await Console.Out.WriteAsync(DoctorReport.Format(results, DoctorReport.ConsoleShowsUnicode()));
            if (ImageBuildOffer.Applies(results, session.ProjectRoot) && await ImageBuildOffer.AskAndBuildAsync(session, token))
            {
                // Built: look again, with a fresh session (the old one remembers the runtime's earlier answers).
                using var again = DoctorSession.Load(path, mustExist, Environment.GetEnvironmentVariables(), ContainerRunnerOptions.DefaultAllowlistPath, Console.Error);
                var image = await DoctorChecks.RunAsync(again, [DoctorChecks.Image], token);
                await Console.Out.WriteAsync(DoctorReport.Format(image, DoctorReport.ConsoleShowsUnicode()));
                results = [.. results.Where(r => r.Name != DoctorChecks.Image), .. image];
            }
            return results.Any(r => r.Status == CheckStatus.Fail) ? CliExit.Error : CliExit.Ok;
        });
        return command;
    }
}
