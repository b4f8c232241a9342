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
        command.SetAction(async (parse, token) =>
        {
            // First thing: from here on SIGTERM/SIGINT mean "stop gracefully, exit 0" (Daemon/README.md, "Stop signals").
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(token, StopSignals.Register());
            int exitCode;
            try
            {
                exitCode = await ShellContext.RunAsync(parse, "run", logToFile: true, async context =>
                {
                    // Once set up, the runtime is detected and asked whether it is up while the first-run checks run
                    // (Daemon/RuntimeBringUp); on a first start the checks ask it themselves, and the daemon after them.
                    using var checksFailed = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                    var runtime = FirstRunGuide.IsFirstStart(context) ? null
                        : DaemonHost.StartRuntime(context.Options, context.Log, TimeProvider.System, checksFailed.Token);
                    if (parse.GetValue(noSetupCheck) || await FirstRunGuide.CheckAsync(context, Console.Error, stop.Token))
                        return await DaemonHost.RunAsync(context, stop.Token, runtime);
                    await checksFailed.CancelAsync();
                    return CliExit.NotSetUp;
                });
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                exitCode = 0; // stopped before the daemon was up: nothing to drain, a clean stop all the same
            }
            return DaemonExit.Now(exitCode);
        });
        return command;
    }
}
