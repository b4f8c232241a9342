using System.Text.Json.Nodes;
using NanoClaw.Core.Domain;
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
    private const string Family = "120363000000000042@g.us";
    private static readonly TimeSpan Turn = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan ContainerEnd = TimeSpan.FromSeconds(90);

    private readonly List<DaemonProcess> daemons = [];
    private readonly List<string> foreignContainers = [];
    private FakeAnthropicApi api = null!;
    private Installation installation = null!;
    private FakeSidecar sidecar = null!;

    public async Task InitializeAsync()
    {
        Assert.True(new AgentImageFixture().Problem is null, new AgentImageFixture().Problem);
        Assert.True(Requirements.HasNode, "node is needed for the fake WhatsApp sidecar");
        api = await FakeAnthropicApi.StartAsync();
        installation = new Installation(api, whatsApp: true);
        installation.Register(Family, "family");
        sidecar = new FakeSidecar(installation.Root);
    }

    public async Task DisposeAsync()
    {
        foreach (var daemon in daemons) await daemon.DisposeAsync();
        Installation.RemoveContainers(daemons.SelectMany(d => d.StartedContainers).Select(c => c.Name).Concat(foreignContainers));
        await api.DisposeAsync();
        installation.Dispose();
    }

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
        foreignContainers.Add(name);
        var info = new System.Diagnostics.ProcessStartInfo("podman") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "run", "-d", "--rm", "--name", name, "-v", $"{elsewhere}:/workspace/ipc", "--entrypoint", "sleep", ImageRunnerLauncher.Image, "300" })
            info.ArgumentList.Add(a);
        using var run = System.Diagnostics.Process.Start(info)!;
        var error = run.StandardError.ReadToEnd();
        run.WaitForExit();
        Assert.True(run.ExitCode == 0, "podman run failed: " + error);
        return name;
    }

    private async Task<DaemonProcess> StartDaemonAsync()
    {
        var connectsBefore = sidecar.Connects().Count;
        var daemon = await DaemonProcess.StartAsync(installation.Root, new Dictionary<string, string>
        {
            ["NANOCLAW_SIDECAR_DIR"] = FakeSidecar.FixtureDir,
            ["NANOCLAW_SIDECAR_SCRIPT"] = "main.mjs",
            ["NANOCLAW_SIDECAR_FAKE_DIR"] = sidecar.Dir,
        }, skipSetupCheck: true);
        daemons.Add(daemon);
        await Eventually.TrueAsync(() => sidecar.Connects().Count > connectsBefore, TimeSpan.FromSeconds(30), () => "the daemon did not connect the sidecar:\n" + daemon.Tail());
        return daemon;
    }

    private void Say(string id, string text)
    {
        var now = IsoTimestamp.From(DateTimeOffset.UtcNow);
        sidecar.EmitChat(Family, "Family", now);
        sidecar.EmitMessage(Family, id, text, timestamp: now);
    }

    private IReadOnlyList<string> SentTo(string jid) => sidecar.Sent().Where(s => s.Jid == jid).Select(s => s.Text).ToList();

    private Task<SentRecord> WaitForSentAsync(string text) =>
        Eventually.ValueAsync(() => sidecar.Sent().FirstOrDefault(s => s.Text.Contains(text, StringComparison.Ordinal)), Turn,
            () => "nothing sent containing " + text + "; daemon log:\n" + daemons[^1].Tail());
}
