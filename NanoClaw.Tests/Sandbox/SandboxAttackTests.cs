using Xunit.Abstractions;

namespace NanoClaw.Tests.Sandbox;

/// <summary>
/// Issue 13, "what it must show": an agent that runs arbitrary code in its own writable mounts attacks the real
/// daemon process (findings F1, F4, F5, F6 of shared/security-review). Each test is one finding, so each can be
/// named as failing before the fix and passing after. What is asserted, for every one: no victim outside the
/// attacking group's directories changed, main kept answering (agent output and IPC) within seconds all along, the
/// daemon's peak memory stayed bounded, and it answered again after a restart over what the attacker left behind.
/// The tests share one collection so they never run at the same time (each starts a daemon and floods a disk).
/// </summary>
[Trait("Category", "Sandbox")]
[Collection("Sandbox")]
public sealed class SandboxAttackTests(ITestOutputHelper output)
{
    /// <summary>
    /// F1: links at every name the host writes or deletes in evil's mounts (snapshot and settings temp files, the
    /// close sentinel, the skills directory, predictable run-log names, then input/ and logs/ themselves), aimed at a
    /// shell start-up file, an SSH key file, the sender allowlist, the WhatsApp keys and main's memory.
    /// </summary>
    [Fact]
    public async Task F1_links_planted_by_an_agent_never_make_the_host_write_or_delete_outside_its_folders()
    {
        await using var s = await SandboxScenario.StartAsync("f1", output);
        await s.StepAsync("evil launch 1 (plants links)", async () =>
        {
            await s.TellEvilAsync("go 1");
            await s.TellEvilAsync("go 1b (a follow-up through input/)");
        });
        await s.StepAsync("idle close and end of evil's run 1", () => s.WaitForEvilToEndAsync());
        await s.StepAsync("evil launch 2 (host writes snapshots, settings, skills; agent links input/ and logs/)", async () =>
        {
            await s.TellEvilAsync("go 2");
            await s.TellEvilAsync("go 2b (a follow-up into a linked input/)");
            await s.WaitForEvilToEndAsync();
        });
        await s.StepAsync("restart over the planted links", s.RestartAsync);
        await s.StepAsync("evil launch after the restart (host prepares a linked input/)", async () =>
        {
            await s.TellEvilAsync("go 3");
            await s.WaitForEvilToEndAsync();
            await s.Probe.AnsweredMoreAsync(2);
        });

        var events = s.EvilEvents();
        s.RequireCoverage(events.Count(e => e.Event == "attack" && !e.Extra.Contains("planted 0 ", StringComparison.Ordinal)) >= 2,
            "links planted before at least two launches");
        s.RequireCoverage(s.EvilLaunches >= 3, "three launches of evil");
        var problems = await s.VerdictAsync();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>
    /// F4: FIFOs at the names the host opens for writing (snapshot and settings temp files, input/_close.tmp, run-log
    /// names, every skill file): an open that blocks on the event loop would freeze every group, again after each restart.
    /// </summary>
    [Fact]
    public async Task F4_fifos_planted_by_an_agent_never_freeze_the_daemon()
    {
        await using var s = await SandboxScenario.StartAsync("f4", output);
        await s.StepAsync("evil launch 1 (plants FIFOs)", async () =>
        {
            await s.TellEvilAsync("go 1");
            await s.TellEvilAsync("go 1b (a follow-up)");
        });
        await s.StepAsync("idle close of evil (input/_close.tmp is a FIFO)", () => s.WaitForEvilToEndAsync());
        await s.StepAsync("evil launch 2 (snapshots, settings and skills are FIFOs)", async () =>
        {
            await s.TellEvilAsync("go 2");
            await s.Probe.AnsweredMoreAsync(3);
        });
        await s.StepAsync("restart over the planted FIFOs", s.RestartAsync);
        await s.StepAsync("evil launch after the restart", async () =>
        {
            await s.TellEvilAsync("go 3");
            await s.Probe.AnsweredMoreAsync(3);
        });

        s.RequireCoverage(s.EvilEvents().Any(e => e.Event == "attack" && !e.Extra.Contains("planted 0 ", StringComparison.Ordinal)),
            "FIFOs planted");
        s.RequireCoverage(s.EvilLaunches >= 2, "a second launch of evil over its FIFOs");
        var problems = await s.VerdictAsync();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>
    /// F5: evil floods its IPC request directories (hundreds of requests, half of them broken), fills them with
    /// hundreds of FIFOs, one with a writer that streams far past the 1 MiB limit, and plants link loops and hundreds
    /// of directories. Main's IPC must still be served within seconds, and memory must stay bounded.
    /// </summary>
    [Fact]
    public async Task F5_fifos_floods_and_link_loops_in_ipc_never_starve_other_groups_or_exhaust_memory()
    {
        await using var s = await SandboxScenario.StartAsync("f5", output);
        await s.StepAsync("evil launch 1, then the IPC flood", async () =>
        {
            await s.TellEvilAsync("go 1");
            await s.WaitForEvilAsync("evil's IPC attack", events => events.Any(e => e.Event == "attack-done"), TimeSpan.FromSeconds(40));
        });
        await s.StepAsync("while the daemon works through the flood", async () =>
        {
            await s.Probe.AnsweredMoreAsync(5);
            await s.TellEvilAsync("go 1b (a follow-up)");
            await s.WaitForEvilToEndAsync();
        });
        await s.StepAsync("restart over the FIFOs, loops and leftovers", s.RestartAsync);
        await s.StepAsync("evil launch after the restart", async () =>
        {
            await s.TellEvilAsync("go 2");
            await s.Probe.AnsweredMoreAsync(5);
        });

        s.RequireCoverage(s.EvilEvents().Any(e => e.Event == "attack-done" && !e.Extra.Contains("planted 0 ", StringComparison.Ordinal)),
            "the IPC flood, FIFOs and loops planted");
        var problems = await s.VerdictAsync();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>
    /// F6: while the host handles <c>messages/creds.json</c>, evil swaps its <c>messages/</c> directory for a link to
    /// the WhatsApp key directory (which holds a <c>creds.json</c>) and back, again and again for seconds. The host
    /// must never delete or move the real keys, and main must be served all along.
    /// </summary>
    [Fact]
    public async Task F6_swapping_the_ipc_directory_for_a_link_mid_handling_never_reaches_the_link_target()
    {
        await using var s = await SandboxScenario.StartAsync("f6", output);
        await s.StepAsync("evil launch 1, then the swap race", async () =>
        {
            await s.TellEvilAsync("go 1");
            await s.WaitForEvilAsync("the end of the swap race", events => events.Any(e => e.Event == "race"), TimeSpan.FromSeconds(30));
            await s.WaitForEvilToEndAsync();
        });
        // No restart here: the race leaves nothing behind that a restart would meet (F1, F4 and F5 restart over theirs).
        await s.StepAsync("evil launch 2, after the race", async () =>
        {
            await s.TellEvilAsync("go 2");
            await s.Probe.AnsweredMoreAsync(2);
        });

        var race = s.EvilEvents().FirstOrDefault(e => e.Event == "race");
        s.RequireCoverage(race.Extra is { } swaps && int.TryParse(swaps.Split(' ')[0], out var n) && n > 0, "the directory swapped at least once");
        var problems = await s.VerdictAsync();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}

[CollectionDefinition("Sandbox", DisableParallelization = true)]
public sealed class SandboxCollection;
