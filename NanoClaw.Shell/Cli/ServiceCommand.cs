using System.CommandLine;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.Containers;
using NanoClaw.Shell.Service;

namespace NanoClaw.Shell.Cli;

/// <summary>
/// <c>nanoclaw service install|uninstall|status</c>: a systemd user unit (Linux) or launchd agent (macOS) that runs
/// this installation's <c>nanoclaw run</c> in the project root, restarted on failure with throttling.
/// </summary>
public static class ServiceCommand
{
    public static Command Build()
    {
        var service = new Command("service",
            "Run NanoClaw as a background service: a systemd user unit on Linux, a launchd agent on macOS. " +
            "Exit codes: 0 ok (status: installed and active), 1 failed (status: not installed or not active), 2 bad config");
        service.Subcommands.Add(Install());
        service.Subcommands.Add(Uninstall());
        service.Subcommands.Add(Status());
        return service;
    }

    private static Option<ServiceKind?> KindOption() => new("--kind")
    {
        Description = "systemd or launchd (default: launchd on macOS, systemd elsewhere)",
    };

    private static Option<bool> FilesOnlyOption(string what) => new("--files-only") { Description = what };

    private static ServiceKind KindFrom(ParseResult parse, Option<ServiceKind?> kind) =>
        parse.GetValue(kind) ?? (OperatingSystem.IsMacOS() ? ServiceKind.Launchd : ServiceKind.Systemd);

    private static string FilePath(ServiceKind kind) =>
        ServiceDefinition.FilePath(kind, HostPaths.Home, Environment.GetEnvironmentVariable("XDG_CONFIG_HOME"));

    private static ServiceManager Manager(ServiceKind kind) => new(kind, FilePath(kind), Environment.GetEnvironmentVariable);

    private static Command Install()
    {
        var kind = KindOption();
        var filesOnly = FilesOnlyOption("Only write the file; do not ask systemd/launchd to start it");
        var command = new Command("install", "Write the service file for this installation (current nanoclaw executable, this project root) and start it");
        command.Options.Add(kind);
        command.Options.Add(filesOnly);
        command.SetAction((parse, token) => ShellContext.RunAsync(parse, "service install", logToFile: false, async context =>
        {
            var k = KindFrom(parse, kind);
            var path = FilePath(k);
            var text = ServiceFiles.Render(k, Definition(parse, context));
            var existed = File.Exists(path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + ".tmp";
            await File.WriteAllTextAsync(temp, text, token);
            File.Move(temp, path, overwrite: true);
            Console.WriteLine($"{(existed ? "Updated" : "Wrote")} {path}");
            var manager = Manager(k);
            if (parse.GetValue(filesOnly))
            {
                Console.WriteLine($"Start it with: {manager.ManualActivation}");
                return CliExit.Ok;
            }
            var started = await manager.ActivateAsync(token);
            if (!started.Ok)
            {
                Console.Error.WriteLine($"nanoclaw service install: the file is written but the service did not start ({started.Reason}); start it with: {manager.ManualActivation}");
                return CliExit.Error;
            }
            Console.WriteLine(k == ServiceKind.Systemd
                ? "Started and enabled. To keep it running while you are logged out: loginctl enable-linger $USER"
                : "Loaded; it starts at every login.");
            return CliExit.Ok;
        }));
        return command;
    }

    private static Command Uninstall()
    {
        var kind = KindOption();
        var filesOnly = FilesOnlyOption("Only delete the file; do not ask systemd/launchd to stop the service");
        var command = new Command("uninstall", "Stop the service and delete its file (the project, its store and groups are untouched)");
        command.Options.Add(kind);
        command.Options.Add(filesOnly);
        command.SetAction(async (parse, token) =>
        {
            var k = KindFrom(parse, kind);
            var path = FilePath(k);
            if (!File.Exists(path))
            {
                Console.WriteLine($"Not installed: {path} does not exist.");
                return CliExit.Ok;
            }
            var manager = Manager(k);
            if (!parse.GetValue(filesOnly))
            {
                var stopped = await manager.DeactivateAsync(token);
                if (!stopped.Ok) Console.Error.WriteLine($"nanoclaw service uninstall: could not stop the service ({stopped.Reason}); removing the file anyway");
            }
            File.Delete(path);
            if (!parse.GetValue(filesOnly)) await manager.ForgetAsync(token);
            Console.WriteLine($"Removed {path}");
            return CliExit.Ok;
        });
        return command;
    }

    private static Command Status()
    {
        var kind = KindOption();
        var command = new Command("status", "Whether the service file is installed (and matches this installation) and whether the service is running");
        command.Options.Add(kind);
        command.SetAction((parse, token) => ShellContext.RunAsync(parse, "service status", logToFile: false, async context =>
        {
            var k = KindFrom(parse, kind);
            var path = FilePath(k);
            if (!File.Exists(path))
            {
                Console.WriteLine($"installed: no ({path} does not exist; install with: nanoclaw service install)");
                return CliExit.Error;
            }
            var installed = (await File.ReadAllTextAsync(path, token)).Split('\n').Select(l => l.Trim()).ToHashSet();
            var matches = ServiceFiles.IdentityLines(k, Definition(parse, context)).All(installed.Contains);
            Console.WriteLine($"installed: yes ({path}{(matches ? "" : "; it runs another installation or an older nanoclaw: run nanoclaw service install to update it")})");
            var (state, detail) = await Manager(k).StateAsync(token);
            Console.WriteLine(state is null ? $"active: unknown ({detail})" : $"active: {state}");
            return state == "active" ? CliExit.Ok : CliExit.Error;
        }));
        return command;
    }

    /// <summary>This process's own command line (apphost, or <c>dotnet nanoclaw.dll</c>) plus <c>run</c>, in this project root.</summary>
    private static ServiceDefinition Definition(ParseResult parse, ShellContext context)
    {
        var process = Environment.ProcessPath ?? "nanoclaw";
        List<string> command = Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, typeof(CliApp).Assembly.Location]
            : [process];
        if (parse.GetValue(CliApp.ConfigOption) is { } config) command.AddRange(["--config", config.FullName]);
        command.Add("run");
        var env = new List<(string, string)>();
        // Service managers start with a bare PATH; the runtime, node and claude must be found as they are now.
        if (Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } pathVar) env.Add(("PATH", pathVar));
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot) env.Add(("DOTNET_ROOT", dotnetRoot));
        // A root daemon's containers run as another uid and must read what it writes for them (F10: no umask then).
        return new ServiceDefinition(command, context.ProjectRoot, env) { PrivateUMask = Containers.HostUser.Current().Uid != 0 };
    }
}
