using System.CommandLine;

namespace NanoClaw.Shell.Cli;

/// <summary>The <c>nanoclaw</c> command line: one file per command group, composed here.</summary>
public static class CliApp
{
    /// <summary>Global option selecting another config file; the working directory is the project root otherwise.</summary>
    public static readonly Option<FileInfo?> ConfigOption = new("--config")
    {
        Description = "Path to config.yml (default: ./config.yml; its directory is the project root)",
        Recursive = true,
    };

    public static RootCommand Build()
    {
        var root = new RootCommand("NanoClaw: a personal Claude assistant in WhatsApp, one container per chat.");
        root.Options.Add(ConfigOption);
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(GroupsCommand.Build());
        root.Subcommands.Add(ChatCommand.Build(ChatSocketPath));
        root.Subcommands.Add(AuthCommand.Build());
        root.Subcommands.Add(TasksCommand.Build());
        root.Subcommands.Add(UsageCommand.Build());
        root.Subcommands.Add(StatusCommand.Build());
        root.Subcommands.Add(DashboardCommand.Build());
        root.Subcommands.Add(DoctorCommand.Build());
        root.Subcommands.Add(ServiceCommand.Build());
        return root;
    }

    /// <summary>The local chat socket of the daemon whose config this command line selects.</summary>
    private static string ChatSocketPath(ParseResult parse)
    {
        var (path, mustExist) = Config.ShellContext.ConfigPathFrom(parse);
        return Config.ConfigLoader.Load(path, Environment.GetEnvironmentVariables(), mustExist)
            .Match(c => Path.Combine(c.Options.Paths.DataDir, "chat.sock"), _ => Path.Combine("data", "chat.sock"));
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Build();
        // `nanoclaw` with no arguments runs the daemon.
        var effective = args.Length == 0 ? ["run"] : args;
        // No response files: triggers such as @Andy are ordinary arguments here.
        var parse = root.Parse(effective, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // The daemon handles its own stop signals (Daemon/StopSignals): System.CommandLine's handler would otherwise
        // end the process with 143 when a stop takes longer than its 2 s grace, in the middle of the drain.
        var daemon = parse.CommandResult.Command.Name == "run";
        return await parse.InvokeAsync(daemon ? new InvocationConfiguration { ProcessTerminationTimeout = null } : null);
    }
}
