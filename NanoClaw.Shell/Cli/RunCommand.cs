using System.CommandLine;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.Daemon;
using NanoClaw.Shell.Setup;

namespace NanoClaw.Shell.Cli;

/// <summary><c>nanoclaw run</c>: the daemon.</summary>
public static class RunCommand
{
    public static Command Build()
    {
        var noSetupCheck = new Option<bool>("--no-setup-check") { Description = "Start even when the first-run checks find something missing" };
        var command = new Command("run", "Run the assistant daemon (the default when no command is given). " +
                                         "It first checks the set-up (credentials, WhatsApp, main group; on the first start also the runtime and image) and, when something is missing, lists it with the fixes and exits 7");
        command.Options.Add(noSetupCheck);
        command.SetAction((parse, token) =>
            ShellContext.RunAsync(parse, "run", logToFile: true, async context =>
                parse.GetValue(noSetupCheck) || await FirstRunGuide.CheckAsync(context, Console.Error, token)
                    ? await DaemonHost.RunAsync(context, token)
                    : CliExit.NotSetUp));
        return command;
    }
}
