using NanoClaw.Tests.Support;

namespace NanoClaw.Tests.Agent;

/// <summary>The runner on the host, driving the pinned Claude Code CLI from .tools/ against the fake API.</summary>
[Trait("Category", "RealClaude")]
[Collection("RealClaude")]
public sealed class HostAgentRunnerTests() : AgentScenarios(new HostRunnerLauncher())
{
    [ClaudeFact]
    public Task Text_reply_arrives_as_an_output_record_with_a_session_id() => TextReplyArrivesWithSessionId();

    [ClaudeFact]
    public Task A_follow_up_input_file_continues_the_same_session() => FollowUpInputContinuesTheSameSession();

    [ClaudeFact]
    public Task Close_sentinel_ends_the_run_without_another_record() => CloseEndsTheRunWithoutAnotherRecord();

    [ClaudeFact]
    public Task Stale_close_is_removed_and_pending_input_joins_the_first_prompt() => StaleCloseIsRemovedAndPendingInputJoinsTheFirstPrompt();

    [ClaudeFact]
    public Task A_session_id_from_an_earlier_run_is_resumed() => SessionIdFromAnEarlierRunIsResumed();

    [ClaudeFact]
    public Task Send_message_tool_writes_a_message_file() => SendMessageToolWritesAMessageFile();

    [ClaudeFact]
    public Task Schedule_task_with_an_invalid_cron_is_a_tool_error_and_writes_nothing() => InvalidCronIsAToolErrorAndWritesNothing();

    [ClaudeFact]
    public Task Bash_env_does_not_show_the_api_key() => BashCannotReadTheApiKey();

    [ClaudeFact]
    public Task A_non_main_group_cannot_register_groups() => NonMainGroupCannotRegisterGroups();

    [ClaudeFact]
    public Task A_task_script_saying_sleep_ends_the_run_without_the_model() => ScriptThatSaysSleepEndsTheRunWithoutTheModel();

    [ClaudeFact]
    public Task A_scheduled_prompt_is_marked_and_carries_the_script_data() => ScheduledTaskPromptIsMarkedAndCarriesScriptData();

    [ClaudeFact]
    public Task Compaction_archives_the_conversation_as_markdown() => CompactionArchivesTheConversation();
}
