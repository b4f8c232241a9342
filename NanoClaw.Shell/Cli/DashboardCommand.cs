using System.CommandLine;
using System.Net;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.Dashboard;

namespace NanoClaw.Shell.Cli;

/// <summary>
/// <c>nanoclaw dashboard url</c>: prints the running dashboard's link with its token
/// (<c>http://127.0.0.1:PORT/?token=…</c>), after checking that this installation's dashboard answers to it.
/// </summary>
public static class DashboardCommand
{
    /// <summary>The dashboard is off: no daemon runs, or <c>dashboard.enabled</c> is false (its own code, like status's 8).</summary>
    public const int DashboardOff = 9;

    public static Command Build()
    {
        var dashboard = new Command("dashboard", "The local dashboard (served by the daemon on 127.0.0.1)");
        var url = new Command("url", $"Print the dashboard's link with its access token. Exit codes: 0 ok, 1 failed, 2 bad config, {DashboardOff} dashboard not running");
        url.SetAction(async (parse, token) =>
        {
            var (path, mustExist) = ShellContext.ConfigPathFrom(parse);
            var loaded = ConfigLoader.Load(path, Environment.GetEnvironmentVariables(), mustExist);
            if (loaded.Case is ConfigError error)
            {
                Console.Error.WriteLine($"nanoclaw dashboard url: {error}");
                return CliExit.BadConfig;
            }
            var options = loaded.Match(c => c.Options, _ => throw new InvalidOperationException());
            if (!options.Dashboard.Enabled)
            {
                Console.Error.WriteLine("nanoclaw dashboard url: the dashboard is off (dashboard.enabled: false in config.yml)");
                return DashboardOff;
            }
            var storeDir = options.Paths.StoreDir;
            var port = DashboardToken.ReadPort(storeDir);
            var secret = DashboardToken.Read(storeDir);
            var problem = port is null || secret is null ? "no daemon has recorded a dashboard port" : await ProblemAsync(port.Value, secret, token);
            if (problem is not null)
            {
                Console.Error.WriteLine($"nanoclaw dashboard url: the dashboard is not running here ({problem}); start it with: nanoclaw run");
                return DashboardOff;
            }
            Console.WriteLine(DashboardServer.UrlFor(port!.Value, secret!));
            return CliExit.Ok;
        });
        dashboard.Subcommands.Add(url);
        return dashboard;
    }

    /// <summary>Null when our dashboard, with our token, listens on that port (it answers the link with its redirect); else why not.</summary>
    private static async Task<string?> ProblemAsync(int port, string secret, CancellationToken ct)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
        {
            Timeout = TimeSpan.FromSeconds(15),
        };
        try
        {
            using var response = await client.GetAsync(DashboardServer.UrlFor(port, secret), ct);
            return response.StatusCode is HttpStatusCode.Redirect ? null : $"127.0.0.1:{port} answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return $"nothing answers on 127.0.0.1:{port}";
        }
    }
}
