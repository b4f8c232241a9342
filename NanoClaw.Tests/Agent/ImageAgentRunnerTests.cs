using System.Diagnostics;
using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.Agent;

/// <summary>Builds the agent image once per test run when it is missing or stale (scripts/install-agent-image.sh).</summary>
public sealed class AgentImageFixture
{
    private static readonly Lazy<string?> Built = new(Build);

    /// <summary>Null when the image is ready, else why not.</summary>
    public string? Problem => Built.Value;

    private static string? Build()
    {
        if (!Requirements.HasPodman) return "podman is not available";
        var script = Path.Combine(Requirements.RepoRoot(), "scripts", "install-agent-image.sh");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.Environment["IMAGE"] = ImageRunnerLauncher.Image;
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return p.ExitCode == 0 ? null : $"install-agent-image.sh failed ({p.ExitCode}):\n{output.Result}\n{error.Result}";
    }
}

/// <summary>The same scenarios inside the real image under Podman (host network to reach the fake API on loopback).</summary>
[Trait("Category", "RealClaude")]
[Collection("RealClaude")]
public sealed class ImageAgentRunnerTests : AgentScenarios, IClassFixture<AgentImageFixture>
{
    public ImageAgentRunnerTests(AgentImageFixture image) : base(new ImageRunnerLauncher()) =>
        Assert.True(image.Problem is null, image.Problem);

    [ClaudeImageFact]
    public Task Text_reply_arrives_as_an_output_record_with_a_session_id() => TextReplyArrivesWithSessionId();

    [ClaudeImageFact]
    public Task A_follow_up_input_file_continues_the_same_session() => FollowUpInputContinuesTheSameSession();

    [ClaudeImageFact]
    public Task Close_sentinel_ends_the_run_without_another_record() => CloseEndsTheRunWithoutAnotherRecord();

    [ClaudeImageFact]
    public Task Stale_close_is_removed_and_pending_input_joins_the_first_prompt() => StaleCloseIsRemovedAndPendingInputJoinsTheFirstPrompt();

    [ClaudeImageFact]
    public Task A_session_id_from_an_earlier_run_is_resumed() => SessionIdFromAnEarlierRunIsResumed();

    [ClaudeImageFact]
    public Task Send_message_tool_writes_a_message_file() => SendMessageToolWritesAMessageFile();

    [ClaudeImageFact]
    public Task Schedule_task_with_an_invalid_cron_is_a_tool_error_and_writes_nothing() => InvalidCronIsAToolErrorAndWritesNothing();

    [ClaudeImageFact]
    public Task Bash_env_does_not_show_the_api_key() => BashCannotReadTheApiKey();

    [ClaudeImageFact]
    public Task A_non_main_group_cannot_register_groups() => NonMainGroupCannotRegisterGroups();

    [ClaudeImageFact]
    public Task A_task_script_saying_sleep_ends_the_run_without_the_model() => ScriptThatSaysSleepEndsTheRunWithoutTheModel();

    [ClaudeImageFact]
    public Task A_scheduled_prompt_is_marked_and_carries_the_script_data() => ScheduledTaskPromptIsMarkedAndCarriesScriptData();

    [ClaudeImageFact]
    public Task Compaction_archives_the_conversation_as_markdown() => CompactionArchivesTheConversation();
}
