using System.CommandLine;
using NanoClaw.Shell.Control;
using NanoClaw.Shell.Config;

namespace NanoClaw.Shell.Cli;

/// <summary>
/// <c>nanoclaw status [--json]</c>: asks the running daemon over its control socket what it is doing: channels, running
/// containers, groups waiting for a slot, retries, next task runs, the last error per group.
/// </summary>
public static class StatusCommand
{
    /// <summary>No daemon answers on the control socket (its own code, so scripts can tell it from a failure).</summary>
    public const int NoDaemon = 8;

    public static Command Build()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts instead of text" };
        var command = new Command("status", $"What the running daemon is doing now. Exit codes: 0 ok, 1 failed, 2 bad config, {NoDaemon} no daemon running");
        command.Options.Add(json);
        command.SetAction(async (parse, token) =>
        {
            var (path, mustExist) = ShellContext.ConfigPathFrom(parse);
            var loaded = ConfigLoader.Load(path, Environment.GetEnvironmentVariables(), mustExist);
            if (loaded.Case is ConfigError error)
            {
                Console.Error.WriteLine($"nanoclaw status: {error}");
                return CliExit.BadConfig;
            }
            var socket = Path.Combine(loaded.Match(c => c.Options.Paths.DataDir, _ => "data"), ControlServer.FileName);
            try
            {
                var status = await ControlClient.StatusAsync(socket, TimeSpan.FromSeconds(10));
                if (status is null)
                {
                    Console.Error.WriteLine($"nanoclaw status: no daemon is running here (nothing answers at {socket}); start it with: nanoclaw run");
                    return NoDaemon;
                }
                Console.Out.Write(parse.GetValue(json) ? status.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine : StatusJson.Text(status));
                return CliExit.Ok;
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"nanoclaw status: {e.Message}");
                return CliExit.Error;
            }
        });
        return command;
    }
}
