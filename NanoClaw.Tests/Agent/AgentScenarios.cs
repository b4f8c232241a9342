using System.Text.Json.Nodes;
using NanoClaw.Core.Containers;
using NanoClaw.Tests.Support.FakeAnthropic;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Agent;

/// <summary>
/// The agent-runner scenarios of issue 5, run with the real Claude Code CLI against the fake Anthropic API.
/// Subclasses choose where the runner runs (host or image); each scenario is one test there.
/// </summary>
public abstract class AgentScenarios(IRunnerLauncher launcher) : IAsyncLifetime
{
    protected static readonly TimeSpan Turn = TimeSpan.FromSeconds(120);

    protected FakeAnthropicApi Api { get; private set; } = null!;
    protected AgentWorkspace Workspace { get; } = new();

    public async Task InitializeAsync() => Api = await FakeAnthropicApi.StartAsync();

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        launcher.CleanUp();
        Workspace.Dispose();
    }

    protected ContainerInput Input(string prompt, bool isMain = true, string? sessionId = null) => new(
        prompt,
        Optional(sessionId),
        isMain ? "main" : "family",
        isMain ? "15550001111@s.whatsapp.net" : "120363000000000001@g.us",
        isMain,
        IsScheduledTask: false,
        "Andy",
        None,
        LanguageExt.Map.create(("ANTHROPIC_BASE_URL", Api.BaseUrl), ("ANTHROPIC_API_KEY", Api.ApiKey)));

    protected RunnerProcess Start(ContainerInput input) => RunnerProcess.Start(launcher.StartInfo(Workspace), input);

    protected async Task CloseAndExpectExitAsync(RunnerProcess runner)
    {
        Workspace.WriteClose();
        Assert.Equal(0, await runner.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    protected async Task TextReplyArrivesWithSessionId()
    {
        Api.Script(ScriptedReply.Text("Hello from the fake model"));
        await using var runner = Start(Input("<messages><message sender=\"Ann\">hi</message></messages>"));

        var turn = await runner.NextTurnAsync(Turn);

        var result = Assert.Single(turn, r => r.Result.IsSome);
        Assert.Equal("Hello from the fake model", result.Result.IfNone(""));
        var sessionId = result.NewSessionId.IfNone("");
        Assert.Matches("^[0-9a-f-]{36}$", sessionId);
        Assert.Equal(sessionId, turn[^1].NewSessionId.IfNone(""));
        Assert.Contains("hi", Api.ConversationTurns[0].AllMessageText);
        await CloseAndExpectExitAsync(runner);
    }

    protected async Task FollowUpInputContinuesTheSameSession()
    {
        Api.Script(ScriptedReply.Text("first answer"), ScriptedReply.Text("second answer"));
        await using var runner = Start(Input("first question"));
        var first = await runner.NextTurnAsync(Turn);
        var sessionId = first[^1].NewSessionId.IfNone("");

        Workspace.WriteInput("follow-up question");
        var second = await runner.NextTurnAsync(Turn);

        Assert.Equal("second answer", Assert.Single(second, r => r.Result.IsSome).Result.IfNone(""));
        Assert.Equal(sessionId, second[^1].NewSessionId.IfNone(""));
        var history = Api.ConversationTurns[^1].AllMessageText;
        Assert.Contains("first question", history);
        Assert.Contains("first answer", history);
        Assert.Contains("follow-up question", history);
        Assert.Empty(Directory.GetFiles(Workspace.Input));
        await CloseAndExpectExitAsync(runner);
    }

    protected async Task CloseEndsTheRunWithoutAnotherRecord()
    {
        Api.Script(ScriptedReply.Text("answer"));
        await using var runner = Start(Input("question"));
        await runner.NextTurnAsync(Turn);
        var requestsBefore = Api.Requests.Count;

        await CloseAndExpectExitAsync(runner);

        Assert.Empty(runner.RemainingRecords());
        Assert.Equal(requestsBefore, Api.Requests.Count);
        Assert.False(File.Exists(Path.Combine(Workspace.Input, "_close")));
    }

    protected async Task StaleCloseIsRemovedAndPendingInputJoinsTheFirstPrompt()
    {
        Workspace.WriteClose();
        Workspace.WriteInput("a message that was already waiting");
        Api.Script(ScriptedReply.Text("answer to both"));
        await using var runner = Start(Input("the prompt"));

        await runner.NextTurnAsync(Turn);

        var first = Api.ConversationTurns[0].AllMessageText;
        Assert.Contains("the prompt", first);
        Assert.Contains("a message that was already waiting", first);
        Assert.False(runner.HasExited, "a stale _close must not end the new run");
        await CloseAndExpectExitAsync(runner);
    }

    protected async Task SessionIdFromAnEarlierRunIsResumed()
    {
        Api.Script(ScriptedReply.Text("I will remember the word pineapple"));
        string sessionId;
        await using (var first = Start(Input("remember the word pineapple")))
        {
            sessionId = (await first.NextTurnAsync(Turn))[^1].NewSessionId.IfNone("");
            await CloseAndExpectExitAsync(first);
        }

        Api.Script(ScriptedReply.Text("The word was pineapple"));
        await using var second = Start(Input("which word?", sessionId: sessionId));
        var turn = await second.NextTurnAsync(Turn);

        Assert.Equal("The word was pineapple", Assert.Single(turn, r => r.Result.IsSome).Result.IfNone(""));
        Assert.Contains("remember the word pineapple", Api.ConversationTurns[^1].AllMessageText);
        await CloseAndExpectExitAsync(second);
    }

    protected async Task SendMessageToolWritesAMessageFile()
    {
        Api.Script(
            ScriptedReply.ToolUse("mcp__nanoclaw__send_message", new JsonObject { ["text"] = "Working on it…", ["sender"] = "Researcher" }),
            ScriptedReply.Text("Done."));
        await using var runner = Start(Input("do the thing"));

        var turn = await runner.NextTurnAsync(Turn);

        Assert.Equal("Done.", Assert.Single(turn, r => r.Result.IsSome).Result.IfNone(""));
        var toolResult = Assert.Single(Api.ConversationTurns[^1].ToolResults);
        Assert.False(RecordedRequest.IsError(toolResult), RecordedRequest.ContentText(toolResult));
        var file = Assert.Single(Workspace.MessageFiles());
        Assert.EndsWith(".json", file);
        var message = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        Assert.Equal("message", (string?)message["type"]);
        Assert.Equal("15550001111@s.whatsapp.net", (string?)message["chatJid"]);
        Assert.Equal("Working on it…", (string?)message["text"]);
        Assert.Equal("Researcher", (string?)message["sender"]);
        await CloseAndExpectExitAsync(runner);
    }

    protected async Task InvalidCronIsAToolErrorAndWritesNothing()
    {
        Api.Script(
            ScriptedReply.ToolUse("mcp__nanoclaw__schedule_task", new JsonObject
            {
                ["prompt"] = "water the plants",
                ["schedule_type"] = "cron",
                ["schedule_value"] = "61 25 * * *",
            }),
            ScriptedReply.Text("That schedule did not work."));
        await using var runner = Start(Input("remind me"));

        await runner.NextTurnAsync(Turn);

        var toolResult = Assert.Single(Api.ConversationTurns[^1].ToolResults);
        Assert.True(RecordedRequest.IsError(toolResult), "expected is_error on: " + toolResult.ToJsonString());
        Assert.Contains("invalid cron expression", RecordedRequest.ContentText(toolResult));
        Assert.Empty(Workspace.TaskFiles());
        Assert.Empty(Workspace.MessageFiles());
        await CloseAndExpectExitAsync(runner);
    }

    protected async Task BashCannotReadTheApiKey()
    {
        Api.Script(
            ScriptedReply.ToolUse("Bash", new JsonObject { ["command"] = "env", ["description"] = "Print the environment" }),
            ScriptedReply.Text("Here is the environment."));
        await using var runner = Start(Input("show me your environment"));

        await runner.NextTurnAsync(Turn);

        var toolResult = Assert.Single(Api.ConversationTurns[^1].ToolResults);
        var output = RecordedRequest.ContentText(toolResult);
        Assert.Contains("PATH=", output);
        // NanoClaw's default settings reach Claude Code through --settings (no file in the session store) and apply.
        Assert.Contains("CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS=1", output);
        Assert.Contains("CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD=1", output);
        // The read-only skills at ~/.claude/skills are found: the model is told about the browser skill.
        Assert.Contains(Api.ConversationTurns, t => t.RawBody.Contains("headless Chromium", StringComparison.Ordinal));
        Assert.DoesNotContain(Api.ApiKey, output);
        Assert.DoesNotContain("ANTHROPIC_API_KEY", output);
        await CloseAndExpectExitAsync(runner);
    }

    protected async Task NonMainGroupCannotRegisterGroups()
    {
        Api.Script(
            ScriptedReply.ToolUse("mcp__nanoclaw__register_group", new JsonObject
            {
                ["jid"] = "120363999999999999@g.us",
                ["name"] = "Sneaky",
                ["folder"] = "sneaky",
                ["trigger"] = "@Andy",
            }),
            ScriptedReply.Text("I cannot do that here."));
        await using var runner = Start(Input("register another group", isMain: false));

        await runner.NextTurnAsync(Turn);

        var toolResult = Assert.Single(Api.ConversationTurns[^1].ToolResults);
        Assert.True(RecordedRequest.IsError(toolResult), "expected is_error on: " + toolResult.ToJsonString());
        Assert.Contains("only the main group", RecordedRequest.ContentText(toolResult));
        Assert.Empty(Workspace.TaskFiles());
        await CloseAndExpectExitAsync(runner);
    }

    protected async Task ScriptThatSaysSleepEndsTheRunWithoutTheModel()
    {
        await using var runner = Start(Input("check the feed") with
        {
            IsScheduledTask = true,
            Script = Some("echo checking >&2; echo '{\"wakeAgent\": false}'"),
        });

        var record = await runner.NextRecordAsync(Turn);

        Assert.Equal(OutputStatus.Success, record.Status);
        Assert.True(record.Result.IsNone);
        Assert.Equal(0, await runner.WaitForExitAsync());
        Assert.Empty(Api.Requests);
    }

    protected async Task ScheduledTaskPromptIsMarkedAndCarriesScriptData()
    {
        Api.Script(ScriptedReply.Text("3 new items"));
        await using var runner = Start(Input("summarise the new items") with
        {
            IsScheduledTask = true,
            Script = Some("echo '{\"wakeAgent\": true, \"data\": {\"newItems\": 3}}'"),
        });

        await runner.NextTurnAsync(Turn);

        var prompt = Api.ConversationTurns[0].AllMessageText;
        Assert.Contains("sent automatically by a schedule", prompt);
        Assert.Contains("newItems", prompt);
        Assert.Contains("summarise the new items", prompt);
        await CloseAndExpectExitAsync(runner);
    }

    protected async Task CompactionArchivesTheConversation()
    {
        Api.Script(ScriptedReply.Text("Basil likes sun and water."));
        await using var runner = Start(Input("how do I keep basil alive?"));
        await runner.NextTurnAsync(Turn);

        Workspace.WriteInput("/compact");
        await runner.NextTurnAsync(Turn);

        var conversations = Path.Combine(Workspace.Group, "conversations");
        var archive = Assert.Single(Directory.Exists(conversations) ? Directory.GetFiles(conversations, "*.md") : [], f => true);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.md$", Path.GetFileName(archive));
        var markdown = File.ReadAllText(archive);
        Assert.Contains("how do I keep basil alive?", markdown);
        Assert.Contains("Basil likes sun and water.", markdown);
        await CloseAndExpectExitAsync(runner);
    }
}
