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

    /// <summary>The top-level commands in help order, each built only when asked for.</summary>
    private static readonly (string Name, Func<Command> Build)[] Commands =
    [
        ("run", RunCommand.Build),
        ("groups", GroupsCommand.Build),
        ("chat", () => ChatCommand.Build(ChatSocketPath)),
        ("auth", AuthCommand.Build),
        ("tasks", TasksCommand.Build),
        ("usage", UsageCommand.Build),
        ("status", StatusCommand.Build),
        ("dashboard", DashboardCommand.Build),
        ("doctor", DoctorCommand.Build),
        ("service", ServiceCommand.Build),
    ];

    /// <summary>The whole command tree.</summary>
    public static RootCommand Build() => Build(_ => true);

    /// <summary>
    /// The tree a command line needs: when its first word names a top-level command, the root holds only that
    /// command (building all ten with their options is start-up work a short command does not need; see the
    /// README); <c>--version</c> alone gets none; anything else (help, a typo, an option first) the whole tree, so
    /// root help and suggestions list every command. What a command prints and returns does not depend on its siblings.
    /// </summary>
    public static RootCommand BuildFor(IReadOnlyList<string> args)
    {
        // `--version` alone prints the version and nothing else: no command is needed.
        if (args is ["--version"]) return Build(_ => false);
        if (args.Count > 0)
            foreach (var (name, _) in Commands) // a loop, not Array.Exists: that generic was JIT-compiled at every start
                if (name == args[0]) return Build(n => n == name);
        return Build();
    }

    private static RootCommand Build(Func<string, bool> include)
    {
        var root = new RootCommand("NanoClaw: a personal Claude assistant in WhatsApp, one container per chat.");
        root.Options.Add(ConfigOption);
        foreach (var (name, build) in Commands)
            if (include(name)) root.Subcommands.Add(build());
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
        // `nanoclaw` with no arguments runs the daemon.
        var effective = args.Length == 0 ? ["run"] : args;
        // Commands that open the store get SQLite and Dapper loaded on another core meanwhile (Store/StoreWarmup).
        if (effective[0] is "run" or "groups" or "tasks" or "usage" or "doctor" or "auth") Store.StoreWarmup.Start();
        var root = BuildFor(effective);
        // No response files: triggers such as @Andy are ordinary arguments here.
        var parse = root.Parse(effective, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // The daemon handles its own stop signals (Daemon/StopSignals): System.CommandLine's handler would otherwise
        // end the process with 143 when a stop takes longer than its 2 s grace, in the middle of the drain.
        var daemon = parse.CommandResult.Command.Name == "run";
        return await parse.InvokeAsync(daemon ? new InvocationConfiguration { ProcessTerminationTimeout = null } : null);
    }
}
