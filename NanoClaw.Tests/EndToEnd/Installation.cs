using System.Diagnostics;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Shell.Store;
using NanoClaw.Tests.Support.FakeAnthropic;
using Serilog.Core;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.EndToEnd;

/// <summary>
/// A throw-away NanoClaw installation: a temp project directory with its own config.yml (short timings, Podman on
/// the host network so agents reach the fake API on loopback) and credentials.yml pointing at the fake API.
/// </summary>
public sealed class Installation : IDisposable
{
    /// <summary>The configured zone: not UTC, so times shown to the agent and "once" schedules are really converted.</summary>
    public const string Zone = "America/New_York";

    public const int IdleTimeoutMs = 6000;

    public Installation(FakeAnthropicApi api, bool whatsApp)
    {
        Root = Path.Combine(Path.GetTempPath(), "nanoclaw-e2e-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "config.yml"), $"""
            assistant:
              name: Andy
            timing:
              poll_interval_ms: 500
              scheduler_poll_interval_ms: 2000
              idle_timeout_ms: {IdleTimeoutMs}
              ipc_poll_interval_ms: 500
            container:
              runtime: podman
              network: host
              max_concurrent: 3
            logging:
              level: INFO
            channels:
              whatsapp: {(whatsApp ? "true" : "false")}
              local_chat: true
            timezone: {Zone}

            """);
        File.WriteAllText(Path.Combine(Root, "credentials.yml"), $"""
            anthropic_api_key: "{api.ApiKey}"
            anthropic_base_url: "{api.BaseUrl}"

            """);
    }

    public string Root { get; }
    public string StoreDir => Path.Combine(Root, "store");
    public string DataDir => Path.Combine(Root, "data");
    public string GroupsDir => Path.Combine(Root, "groups");
    public string ErrorsDir => Path.Combine(DataDir, "ipc", "errors");
    public string SocketPath => Path.Combine(DataDir, "chat.sock");

    /// <summary>Opens the installation's store (migrated on first open), as the daemon and the CLI do.</summary>
    public NanoClawStore OpenStore() => NanoClawStore.Open(StoreDir, "Andy", Logger.None);

    /// <summary>Registers a group before the daemon starts (the daemon reads registrations at boot).</summary>
    public void Register(string jid, string folder, bool isMain = false, bool requiresTrigger = true) =>
        OpenStore().Groups.Upsert(new RegisteredGroup(jid, folder, folder, "@Andy", IsoTimestamp.From(DateTimeOffset.UtcNow), None,
            requiresTrigger, isMain)).IfLeft(error => Assert.Fail(error));

    /// <summary>Files under the installation (store, data, groups, logs) that contain <paramref name="secret"/>; credentials.yml excepted.</summary>
    public IReadOnlyList<string> FilesContaining(string secret) =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "credentials.yml" && !f.EndsWith(".sock", StringComparison.Ordinal))
            .Where(f =>
            {
                try
                {
                    return File.ReadAllText(f).Contains(secret, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false; // a socket or a file removed meanwhile
                }
            })
            .ToList();

    /// <summary>Drops an IPC request into the group's tasks directory the way the agent's tools do (write, then rename).</summary>
    public void WriteTaskRequest(string folder, string name, System.Text.Json.Nodes.JsonObject request)
    {
        var dir = Path.Combine(DataDir, "ipc", folder, "tasks");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, name + ".json.tmp"), request.ToJsonString());
        File.Move(Path.Combine(dir, name + ".json.tmp"), Path.Combine(dir, name + ".json"));
    }

    /// <summary>Files the daemon moved to data/ipc/errors (refused or broken IPC requests).</summary>
    public IReadOnlyList<string> ErrorFiles() =>
        Directory.Exists(ErrorsDir) ? Directory.GetFiles(ErrorsDir).Order(StringComparer.Ordinal).ToList() : [];

    public void Dispose()
    {
        // Containers ran as uid 1000 and may have left files root cannot always remove in one go from here; try hard, then leave it.
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Removes containers by name, whatever state they are in (used in Dispose so no run outlives the test).</summary>
    public static void RemoveContainers(IEnumerable<string> names)
    {
        var list = names.Distinct().ToList();
        if (list.Count == 0) return;
        var info = new ProcessStartInfo("podman") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "rm", "-f", "--ignore", "-t", "0" }.Concat(list)) info.ArgumentList.Add(a);
        using var rm = Process.Start(info);
        rm?.WaitForExit(60_000);
    }

    /// <summary>Names of running containers (podman ps), to check what a daemon left running.</summary>
    public static IReadOnlyList<string> RunningContainers()
    {
        var info = new ProcessStartInfo("podman", ["ps", "--format", "{{.Names}}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var ps = Process.Start(info)!;
        var output = ps.StandardOutput.ReadToEnd();
        ps.WaitForExit(30_000);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
