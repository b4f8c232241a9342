using System.CommandLine;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.Daemon;

namespace NanoClaw.Shell.Cli;

/// <summary><c>nanoclaw run</c>: the daemon.</summary>
public static class RunCommand
{
    public static Command Build()
    {
        var command = new Command("run", "Run the assistant daemon (the default when no command is given)");
        command.SetAction((parse, token) =>
            ShellContext.RunAsync(parse, "run", logToFile: true, context => DaemonHost.RunAsync(context, token)));
        return command;
    }
}
