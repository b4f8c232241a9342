using System.CommandLine;

namespace NanoClaw.Shell.Cli;

/// <summary><c>nanoclaw run</c>: the daemon.</summary>
public static class RunCommand
{
    public static Command Build()
    {
        var command = new Command("run", "Run the assistant daemon (the default when no command is given)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("nanoclaw run: the daemon is not built yet");
            return 1;
        });
        return command;
    }
}
