using System.Text.Json.Nodes;
using NanoClaw.Tests.Agent;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;
using NanoClaw.Tests.WhatsApp;

namespace NanoClaw.Tests.EndToEnd;

/// <summary>
/// Issue 7 end to end through the WhatsApp channel: the real daemon talks to the scripted fake sidecar (the real
/// sidecar protocol, no WhatsApp servers), the real image under Podman runs the real Claude Code CLI against the
/// fake API. Each test has its own daemon, because the crash test kills one.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection("RealClaude")]
public sealed class WhatsAppEndToEndTests : IAsyncLifetime
{
    private const string Family = WhatsAppTestBed.Family;
    private static readonly TimeSpan Turn = WhatsAppTestBed.Turn;
    private static readonly TimeSpan ContainerEnd = TimeSpan.FromSeconds(90);

    private WhatsAppTestBed bed = null!;
    private FakeAnthropicApi api = null!;
    private Installation installation = null!;
    private FakeSidecar sidecar = null!;

    public async Task InitializeAsync()
    {
        bed = await WhatsAppTestBed.StartAsync();
        (api, installation, sidecar) = (bed.Api, bed.Installation, bed.Sidecar);
    }

    public async Task DisposeAsync() => await bed.DisposeAsync();

    [ClaudeImageFact]
    public async Task A_triggered_whatsapp_group_message_gets_exactly_one_prefixed_reply()
    {
        api.Script(ScriptedReply.Text("Hi family."));
        var daemon = await StartDaemonAsync();

        Say("m1", "@Andy say hi to everyone");

        var sent = await WaitForSentAsync("Hi family.");
        Assert.Equal(Family, sent.Jid);
        await daemon.WaitForContainerEndAsync(Assert.Single(daemon.StartedContainers).Name, ContainerEnd);
        Assert.Equal(["Andy: Hi family."], SentTo(Family));
        Assert.Contains(sidecar.Typing(), t => t.Contains(Family, StringComparison.Ordinal) && t.Contains("true", StringComparison.Ordinal));
        Assert.Contains(">@Andy say hi to everyone</message>", ApiRequests.UserText(Assert.Single(ApiRequests.TurnsMentioning(api, "say hi to everyone"))));

        // SIGTERM: a clean stop, and the API key never reached the store, data/, groups/ or the logs.
        Assert.Equal(0, await daemon.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(daemon.Lines, l => l.Contains("NanoClaw stopped", StringComparison.Ordinal));
        Assert.Empty(installation.FilesContaining(api.ApiKey));
    }

    [ClaudeImageFact]
    public async Task After_a_SIGKILL_while_the_agent_works_the_restarted_daemon_answers_the_batch_exactly_once()
    {
        // The agent is mid-turn, in a long tool call (Claude Code refuses a plain long `sleep`), when the daemon dies.
        var working = Path.Combine(installation.GroupsDir, "family", "working");
        api.Script(ScriptedReply.ToolUse("Bash", new JsonObject
        {
            ["command"] = "touch /workspace/group/working && timeout 100 tail -f /dev/null",
            ["description"] = "Think for a long time",
        }));
        var first = await StartDaemonAsync();
        Say("m1", "@Andy please think hard about dinner");
        await Eventually.TrueAsync(() => File.Exists(working), Turn, () => "the agent never started its tool call:\n" + first.Tail());
        var killed = Assert.Single(first.StartedContainers).Name;

        await first.KillAsync();
        api.ClearScript();
        api.Script(ScriptedReply.Text("Pasta tonight."));
        // Another installation's agent on the same machine: same name prefix, its own mounts. Not an orphan of ours.
        var foreign = StartForeignAgent();
        var second = await StartDaemonAsync();

        var sent = await WaitForSentAsync("Pasta tonight.");
        Assert.Equal(Family, sent.Jid);
        await second.WaitForContainerEndAsync(Assert.Single(second.StartedContainers).Name, ContainerEnd);
        Assert.Equal(["Andy: Pasta tonight."], SentTo(Family));
        Assert.DoesNotContain(killed, Installation.RunningContainers()); // the orphan of the killed daemon was stopped
        Assert.Contains(foreign, Installation.RunningContainers());
        Assert.Contains(second.Lines, l => l.Contains("Stopped 1 orphaned containers: " + killed, StringComparison.Ordinal));
        // The run after the restart was given the same batch (its turn is the last one the fake answered).
        Assert.Contains(">@Andy please think hard about dinner</message>", ApiRequests.UserText(api.ConversationTurns[^1]));
        Assert.True(first.Lines.All(l => !l.Contains("Sent ", StringComparison.Ordinal)), "the killed daemon sent something");
        Assert.Empty(installation.FilesContaining(api.ApiKey));
    }

    private string StartForeignAgent()
    {
        var name = $"nanoclaw-elsewhere-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
        var elsewhere = Path.Combine(installation.Root, "other-installation", "data", "ipc", "main");
        Directory.CreateDirectory(elsewhere);
        bed.AddContainer(name);
        var info = new System.Diagnostics.ProcessStartInfo("podman") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "run", "-d", "--rm", "--name", name, "-v", $"{elsewhere}:/workspace/ipc", "--entrypoint", "sleep", ImageRunnerLauncher.Image, "300" })
            info.ArgumentList.Add(a);
        using var run = System.Diagnostics.Process.Start(info)!;
        var error = run.StandardError.ReadToEnd();
        run.WaitForExit();
        Assert.True(run.ExitCode == 0, "podman run failed: " + error);
        return name;
    }

    private Task<DaemonProcess> StartDaemonAsync() => bed.StartDaemonAsync();

    private void Say(string id, string text) => bed.Say(id, text);

    private IReadOnlyList<string> SentTo(string jid) => bed.SentTo(jid);

    private Task<SentRecord> WaitForSentAsync(string text) => bed.WaitForSentAsync(text);
}
