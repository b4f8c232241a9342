using System.Globalization;
using System.Text.Json.Nodes;
using NanoClaw.Core.Domain;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.EndToEnd;

/// <summary>
/// Issue 7 end to end: the real daemon process, the real agent image under Podman, the real Claude Code CLI and the
/// fake Anthropic API, driven through the local chat socket as <c>nanoclaw chat</c> drives it. One daemon serves
/// every scenario; each scenario talks in its own group.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection("RealClaude")]
public sealed class LocalChatEndToEndTests : IClassFixture<LocalChatDaemonFixture>
{
    private static readonly TimeSpan Turn = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan ContainerEnd = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(30);

    private readonly LocalChatDaemonFixture fixture;

    public LocalChatEndToEndTests(LocalChatDaemonFixture fixture)
    {
        Assert.True(fixture.Problem is null, fixture.Problem);
        this.fixture = fixture;
        fixture.Api.ClearScript(); // a failed scenario must not hand its unused replies to the next one
    }

    private FakeAnthropicApi Api => fixture.Api;
    private DaemonProcess Daemon => fixture.Daemon;

    [ClaudeImageFact]
    public async Task A_triggered_message_in_a_non_main_group_gets_exactly_one_prefixed_reply()
    {
        Api.Script(ScriptedReply.Text("Four."));
        await using var chat = await fixture.ChatAsync("triggered");

        await chat.SayAsync("@Andy what is 2+2?");

        await chat.WaitForReplyContainingAsync("Four.", Turn);
        await Daemon.WaitForContainerEndAsync(await SingleContainerOfAsync("triggered"), ContainerEnd);
        Assert.Equal(["Andy: Four."], chat.Replies);
        var turns = ApiRequests.TurnsMentioning(Api, "what is 2+2?");
        Assert.True(turns.Count == 1, ApiRequests.Describe(Api));
        var prompt = ApiRequests.UserText(turns[0]);
        Assert.Contains("<context timezone=\"America/New_York\" />", prompt);
        Assert.Matches("<message sender=\"[^\"]+\" time=\"[A-Z][a-z]{2} \\d{1,2}, \\d{4}, \\d{1,2}:\\d{2} [AP]M\">@Andy what is 2\\+2\\?</message>", prompt);
    }

    [ClaudeImageFact]
    public async Task Untriggered_messages_wait_and_arrive_as_context_with_the_next_trigger()
    {
        Api.Script(ScriptedReply.Text("Noon, with snacks."));
        await using var chat = await fixture.ChatAsync("context");

        await chat.SayAsync("the meeting is at noon");
        await chat.SayAsync("bring snacks & <drinks>");
        await chat.SayAsync("@Andy what did we agree?");

        await chat.WaitForReplyContainingAsync("Noon, with snacks.", Turn);
        // Only the trigger started an agent, and its first prompt already carried the earlier messages, in order.
        Assert.Single(Daemon.StartedContainers, c => c.Folder == "context");
        var first = ApiRequests.TurnsMentioning(Api, "the meeting is at noon");
        Assert.True(first.Count == 1, ApiRequests.Describe(Api));
        var prompt = ApiRequests.UserText(first[0]);
        var noon = prompt.IndexOf(">the meeting is at noon</message>", StringComparison.Ordinal);
        var snacks = prompt.IndexOf(">bring snacks &amp; &lt;drinks&gt;</message>", StringComparison.Ordinal);
        var trigger = prompt.IndexOf(">@Andy what did we agree?</message>", StringComparison.Ordinal);
        Assert.True(noon >= 0 && snacks > noon && trigger > snacks, prompt);
        Assert.Equal(["Andy: Noon, with snacks."], chat.Replies);
    }

    [ClaudeImageFact]
    public async Task A_follow_up_while_the_agent_is_idle_is_piped_into_the_same_container_and_session()
    {
        Api.Script(ScriptedReply.Text("First answer."), ScriptedReply.Text("Second answer."));
        await using var chat = await fixture.ChatAsync("followup");
        await chat.SayAsync("@Andy first question");
        await chat.WaitForReplyContainingAsync("First answer.", Turn);
        await chat.WaitForTypingOffAsync(1, Soon); // the turn is over: the agent waits for input

        await chat.SayAsync("@Andy second question");

        await chat.WaitForReplyContainingAsync("Second answer.", Turn);
        var container = await SingleContainerOfAsync("followup");
        await Daemon.WaitForContainerEndAsync(container, ContainerEnd);
        Assert.Single(Daemon.StartedContainers, c => c.Folder == "followup");
        Assert.Equal(["Andy: First answer.", "Andy: Second answer."], chat.Replies);
        var firstTurn = Assert.Single(ApiRequests.TurnsMentioning(Api, "first question"), t => !ApiRequests.UserText(t).Contains("second question", StringComparison.Ordinal));
        var secondTurns = ApiRequests.TurnsMentioning(Api, "second question");
        Assert.True(secondTurns.Count == 1, ApiRequests.Describe(Api));
        Assert.Equal(ApiRequests.SessionOf(firstTurn), ApiRequests.SessionOf(secondTurns[0]));
        Assert.NotEqual("", ApiRequests.SessionOf(firstTurn));
        Assert.Contains("First answer.", secondTurns[0].AllMessageText); // the conversation so far came along
    }

    [ClaudeImageFact]
    public async Task The_agents_send_message_tool_reaches_the_chat_before_its_final_answer()
    {
        Api.Script(
            ScriptedReply.ToolUse("mcp__nanoclaw__send_message", new JsonObject { ["text"] = "Working on it" }),
            ScriptedReply.Text("All done."));
        await using var chat = await fixture.ChatAsync("progress");

        await chat.SayAsync("@Andy do the chores");

        await chat.WaitForReplyContainingAsync("All done.", Turn);
        await Daemon.WaitForContainerEndAsync(await SingleContainerOfAsync("progress"), ContainerEnd);
        Assert.Equal(["Andy: Working on it", "Andy: All done."], chat.Replies);
        var toolResult = Assert.Single(Api.ConversationTurns[^1].ToolResults);
        Assert.False(RecordedRequest.IsError(toolResult), RecordedRequest.ContentText(toolResult));
    }

    [ClaudeImageFact]
    public async Task A_task_scheduled_through_the_tool_runs_when_due_and_its_reply_arrives()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Installation.Zone);
        var dueUtc = DateTimeOffset.UtcNow.AddSeconds(25);
        var dueLocal = TimeZoneInfo.ConvertTime(dueUtc, zone).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        Api.Script(
            ScriptedReply.ToolUse("mcp__nanoclaw__schedule_task", new JsonObject
            {
                ["prompt"] = "Remind the team about the standup",
                ["schedule_type"] = "once",
                ["schedule_value"] = dueLocal,
            }),
            ScriptedReply.Text("Scheduled."),
            ScriptedReply.Text("Standup starts now!"));
        await using var chat = await fixture.ChatAsync("reminders");

        await chat.SayAsync($"@Andy remind us about the standup at {dueLocal}");
        await chat.WaitForReplyContainingAsync("Scheduled.", Turn);

        await chat.WaitForReplyContainingAsync("Standup starts now!", Turn + TimeSpan.FromSeconds(30));
        // "once" was read in the configured zone: the run did not come before its time.
        Assert.True(chat.ArrivalOf("Standup starts now!") >= dueUtc.AddSeconds(-1), $"reply at {chat.ArrivalOf("Standup starts now!"):O}, due {dueUtc:O}");
        var taskTurn = Assert.Single(ApiRequests.TurnsMentioning(Api, "Remind the team about the standup"));
        Assert.Contains("sent automatically by a schedule", ApiRequests.UserText(taskTurn));
        var store = fixture.Installation.OpenStore();
        var task = await Eventually.ValueAsync(
            () => store.Tasks.ListByGroup("reminders").Find(t => t.Status == NanoClaw.Core.Domain.TaskStatus.Completed).MatchUnsafe(t => t, () => null),
            ContainerEnd, () => "the once task was not marked completed: " + string.Join(", ", store.Tasks.ListByGroup("reminders")));
        Assert.Equal("local:reminders", task.ChatJid);
        Assert.Contains("Standup starts now!", task.LastResult.IfNone(""));
        var run = Assert.Single(store.RunLogs.ForTask(task.Id));
        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal(["Andy: Scheduled.", "Andy: Standup starts now!"], chat.Replies);
    }

    [ClaudeImageFact]
    public async Task The_main_group_registers_a_new_group_through_the_tool_and_that_group_then_works()
    {
        Api.Script(
            ScriptedReply.ToolUse("mcp__nanoclaw__register_group", new JsonObject
            {
                ["jid"] = "local:garden",
                ["name"] = "Garden",
                ["folder"] = "garden",
                ["trigger"] = "@Andy",
            }),
            ScriptedReply.Text("Registered the garden chat."),
            ScriptedReply.Text("Hello from the garden."));
        await using var main = await fixture.ChatAsync("main");

        await main.SayAsync("please register the garden chat"); // main needs no trigger
        await main.WaitForReplyContainingAsync("Registered the garden chat.", Turn);

        var store = fixture.Installation.OpenStore();
        await Eventually.TrueAsync(() => store.Groups.Get("local:garden").IsSome, Soon, () => "local:garden was not registered");
        Assert.True(Directory.Exists(Path.Combine(fixture.Installation.GroupsDir, "garden", "logs")));
        var group = store.Groups.Get("local:garden").IfNone(() => throw new InvalidOperationException());
        Assert.Equal(("garden", "Garden", false, true), (group.Folder, group.Name, group.IsMain, group.RequiresTrigger));
        await using var garden = await fixture.ChatAsync("garden");
        await garden.SayAsync("@Andy hello garden");
        await garden.WaitForReplyContainingAsync("Hello from the garden.", Turn);
        await Daemon.WaitForContainerEndAsync(await SingleContainerOfAsync("garden"), ContainerEnd);
        Assert.Equal(["Andy: Hello from the garden."], garden.Replies);
        Assert.Equal(["Andy: Registered the garden chat."], main.Replies);
    }

    [ClaudeImageFact]
    public async Task A_non_main_group_cannot_message_another_group_and_the_refusal_is_logged()
    {
        const string request = "{\"type\":\"message\",\"chatJid\":\"local:main\",\"text\":\"sneaky note\"}";
        var dir = "/workspace/ipc/messages";
        Api.Script(
            ScriptedReply.ToolUse("Bash", new JsonObject
            {
                ["command"] = $"printf '%s' '{request}' > {dir}/sneaky.json.tmp && mv {dir}/sneaky.json.tmp {dir}/sneaky.json",
                ["description"] = "Write a message request for another group",
            }),
            ScriptedReply.Text("I tried."));
        var sentToMainBefore = SendsTo("local:main");
        await using var chat = await fixture.ChatAsync("nosy");

        await chat.SayAsync("@Andy tell the main group a secret");

        var moved = await Eventually.ValueAsync(
            () => fixture.Installation.ErrorFiles().FirstOrDefault(f => Path.GetFileName(f) == "nosy-sneaky.json"),
            Turn, () => "no refused file in data/ipc/errors; daemon log:\n" + Daemon.Tail());
        Assert.Equal(request, File.ReadAllText(moved));
        // The reason is written whole before the file moves: it is there as soon as the file is.
        var reason = File.ReadAllText(moved + ".reason.txt");
        Assert.Contains("local:main", reason);
        var logged = await Daemon.WaitForLineAsync(l => l.Contains("IPC file nosy/", StringComparison.Ordinal) && l.Contains("sneaky.json refused", StringComparison.Ordinal), Soon);
        Assert.Contains(reason.Trim(), logged);
        await chat.WaitForReplyContainingAsync("I tried.", Turn);
        await Daemon.WaitForContainerEndAsync(await SingleContainerOfAsync("nosy"), ContainerEnd);
        Assert.Equal(sentToMainBefore, SendsTo("local:main"));
        Assert.DoesNotContain(Daemon.Lines, l => l.Contains("sneaky note", StringComparison.Ordinal) && l.Contains("Sent", StringComparison.Ordinal));
        Assert.Equal(["Andy: I tried."], chat.Replies);
    }

    [ClaudeImageFact]
    public async Task Nanoclaw_chat_sends_a_one_shot_message_and_prints_the_reply()
    {
        Api.Script(ScriptedReply.Text("Printed by the CLI."));
        var info = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = fixture.Installation.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { DaemonProcess.NanoclawDll(), "chat", "--group", "cli", "--timeout", "180", "@Andy are you there?" }) info.ArgumentList.Add(a);

        using var chat = System.Diagnostics.Process.Start(info)!;
        var stdout = chat.StandardOutput.ReadToEndAsync();
        var stderr = chat.StandardError.ReadToEndAsync();
        await chat.WaitForExitAsync().WaitAsync(Turn + TimeSpan.FromSeconds(30));

        Assert.True(chat.ExitCode == 0, $"exit {chat.ExitCode}: {await stderr}");
        Assert.Equal("Andy: Printed by the CLI.", (await stdout).Trim());
        Assert.Single(ApiRequests.TurnsMentioning(Api, "are you there?"));
    }

    [ClaudeImageFact]
    public async Task A_message_arriving_while_the_idle_agent_is_being_closed_is_answered_exactly_once()
    {
        Api.Script(ScriptedReply.Text("First answer."), ScriptedReply.Text("Answered after the close."));
        await using var chat = await fixture.ChatAsync("closing");
        await chat.SayAsync("@Andy first question");
        await chat.WaitForReplyContainingAsync("First answer.", Turn);
        var first = await SingleContainerOfAsync("closing");

        // The idle timeout (Installation.IdleTimeoutMs) expires: the core decides to close the run. The message is
        // sent right then, while the container is still winding down, so it must not be piped into it.
        await Daemon.WaitForLineAsync(l => l.Contains("Closing the agent of closing (run", StringComparison.Ordinal), Turn);
        await chat.SayAsync("@Andy question during the close");

        await chat.WaitForReplyContainingAsync("Answered after the close.", Turn);
        await Daemon.WaitForContainerEndAsync(first, ContainerEnd);
        var starts = Daemon.StartedContainers.Where(c => c.Folder == "closing").Select(c => c.Name).ToList();
        Assert.True(starts.Count == 2, "expected the closed container and one new one; daemon log:\n" + Daemon.Tail());
        Assert.Equal(first, starts[0]);
        await Daemon.WaitForContainerEndAsync(starts[1], ContainerEnd);
        Assert.Equal(["Andy: First answer.", "Andy: Answered after the close."], chat.Replies);
        var turns = ApiRequests.TurnsMentioning(Api, "question during the close");
        Assert.True(turns.Count == 1, ApiRequests.Describe(Api));
    }

    [ClaudeImageFact]
    public async Task A_chat_message_while_a_task_container_runs_waits_for_the_next_container()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Installation.Zone);
        var dueLocal = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddSeconds(2), zone).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        Api.Script(ScriptedReply.Text("Task report."), ScriptedReply.Text("Chat answered."));
        await using var chat = await fixture.ChatAsync("taskwait");

        // The group schedules its own task through its IPC directory, as the agent's schedule_task tool does.
        fixture.Installation.WriteTaskRequest("taskwait", "wait-task", new JsonObject
        {
            ["type"] = "schedule_task",
            ["prompt"] = "Write the task report",
            ["schedule_type"] = "once",
            ["schedule_value"] = dueLocal,
            ["targetJid"] = "local:taskwait",
        });
        var taskStart = await Daemon.WaitForLineAsync(
            l => l.Contains("Started nanoclaw-", StringComparison.Ordinal) && l.Contains(" for taskwait (task ", StringComparison.Ordinal), Turn);
        await chat.SayAsync("@Andy a chat question while the task runs");

        await chat.WaitForReplyContainingAsync("Chat answered.", Turn + ContainerEnd);
        var starts = Daemon.StartedContainers.Where(c => c.Folder == "taskwait").Select(c => c.Name).ToList();
        Assert.True(starts.Count == 2, "expected the task container and one chat container; daemon log:\n" + Daemon.Tail());
        Assert.Contains(starts[0], taskStart);
        // The chat container started only after the task container had ended.
        var lines = Daemon.Lines.ToList();
        var taskEnded = lines.FindIndex(l => l.Contains($"Container {starts[0]} ended", StringComparison.Ordinal));
        var chatStarted = lines.FindIndex(l => l.Contains($"Started {starts[1]} for taskwait", StringComparison.Ordinal));
        Assert.True(taskEnded >= 0 && chatStarted > taskEnded, Daemon.Tail());
        await Daemon.WaitForContainerEndAsync(starts[1], ContainerEnd);
        Assert.Equal(["Andy: Task report.", "Andy: Chat answered."], chat.Replies);
        var chatTurns = ApiRequests.TurnsMentioning(Api, "a chat question while the task runs");
        Assert.True(chatTurns.Count == 1, ApiRequests.Describe(Api));
        // The task's own turn never saw the chat message (the chat turn resumes the group session, so it sees the task).
        Assert.Single(ApiRequests.TurnsMentioning(Api, "Write the task report"),
            t => !ApiRequests.UserText(t).Contains("a chat question while the task runs", StringComparison.Ordinal));
    }

    private int SendsTo(string jid) => Daemon.Lines.Count(l => l.Contains($" chars to {jid} via ", StringComparison.Ordinal));

    private async Task<string> SingleContainerOfAsync(string folder)
    {
        await Daemon.WaitForLineAsync(l => l.Contains("Started nanoclaw-", StringComparison.Ordinal) && l.Contains($" for {folder}", StringComparison.Ordinal), Turn);
        return Assert.Single(Daemon.StartedContainers, c => c.Folder == folder).Name;
    }
}
