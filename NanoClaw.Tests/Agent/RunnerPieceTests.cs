using System.Diagnostics;
using System.Text.Json.Nodes;
using FsCheck.Xunit;
using NanoClaw.AgentRunner.Hooks;
using NanoClaw.AgentRunner.Ipc;
using NanoClaw.AgentRunner.Prompts;
using NanoClaw.AgentRunner.Tasks;
using NanoClaw.Core.Containers;

namespace NanoClaw.Tests.Agent;

public sealed class BashCredentialGuardTests
{
    [Property]
    [Trait("Category", "Property")]
    public bool The_guarded_command_unsets_every_credential_first_and_keeps_the_rest(string command, bool background)
    {
        command ??= "";
        var input = new JsonObject
        {
            ["tool_name"] = "Bash",
            ["tool_input"] = new JsonObject { ["command"] = command, ["run_in_background"] = background },
        };
        var updated = BashCredentialGuard.Answer(input)["hookSpecificOutput"]!["updatedInput"]!;
        var guarded = (string)updated["command"]!;
        return guarded.StartsWith("unset ", StringComparison.Ordinal)
            && guarded.EndsWith(command, StringComparison.Ordinal)
            && BashCredentialGuard.CredentialVariables.All(v => guarded[..guarded.IndexOf(';')].Contains(v))
            && (bool)updated["run_in_background"]! == background;
    }

    [Fact]
    public void Answers_as_a_pre_tool_use_hook()
    {
        var answer = BashCredentialGuard.Answer(new JsonObject { ["tool_input"] = new JsonObject { ["command"] = "env" } });
        Assert.Equal("PreToolUse", (string?)answer["hookSpecificOutput"]!["hookEventName"]);
    }
}

public sealed class TaskScriptTests
{
    [Theory]
    [InlineData("{\"wakeAgent\": false}", "sleep")]
    [InlineData("noise\n{\"wakeAgent\": true}\n\n", "wake")]
    [InlineData("{\"wakeAgent\": true, \"data\": {\"n\": 2}}", "wake")]
    [InlineData("", "failed")]
    [InlineData("{\"wakeAgent\": \"yes\"}", "failed")]
    [InlineData("{\"wakeAgent\": true}\nnot json", "failed")]
    public void The_last_line_decides(string stdout, string expected)
    {
        var outcome = TaskScript.Verdict(stdout);
        Assert.Equal(expected, outcome switch
        {
            ScriptOutcome.Sleep => "sleep",
            ScriptOutcome.Wake => "wake",
            _ => "failed",
        });
    }

    [Fact]
    public void Data_is_passed_on_as_json()
    {
        var wake = Assert.IsType<ScriptOutcome.Wake>(TaskScript.Verdict("{\"wakeAgent\": true, \"data\": {\"n\": 2}}"));
        Assert.Equal(2, (int)JsonNode.Parse(wake.Data!)!["n"]!);
    }

    [Fact]
    public async Task A_failing_script_does_not_wake_the_agent()
    {
        var outcome = await TaskScript.RunAsync("echo '{\"wakeAgent\": true}'; exit 3", Path.GetTempPath(), CancellationToken.None);
        Assert.Contains("code 3", Assert.IsType<ScriptOutcome.Failed>(outcome).Reason);
    }
}

public sealed class PromptTextTests
{
    [Fact]
    public void Scheduled_prompts_start_with_the_schedule_notice()
    {
        var prompt = PromptText.First("do it", isScheduledTask: true, [], null);
        Assert.StartsWith(PromptText.ScheduledNotice, prompt);
        Assert.EndsWith("do it", prompt);
        Assert.Equal("do it", PromptText.First("do it", isScheduledTask: false, [], null));
    }

    [Fact]
    public void Pending_input_follows_the_prompt_in_order()
    {
        var prompt = PromptText.First("first", false, ["second", "third"], null);
        Assert.True(prompt.IndexOf("first", StringComparison.Ordinal) < prompt.IndexOf("second", StringComparison.Ordinal));
        Assert.True(prompt.IndexOf("second", StringComparison.Ordinal) < prompt.IndexOf("third", StringComparison.Ordinal));
    }
}

public sealed class TranscriptArchiverTests
{
    [Property]
    [Trait("Category", "Property")]
    public bool Slugs_are_short_lowercase_words_and_never_empty(string text)
    {
        var slug = TranscriptArchiver.Slug(text ?? "");
        return slug.Length is > 0 and <= 50 && slug.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            && !slug.StartsWith('-') && !slug.EndsWith('-');
    }

    [Fact]
    public void Archives_user_and_assistant_text_under_the_summary_slug()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nanoclaw-archive-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var transcript = Path.Combine(dir, "session.jsonl");
            File.WriteAllLines(transcript,
            [
                """{"type":"summary","summary":"Planning the Garden!"}""",
                """{"type":"user","message":{"role":"user","content":"Which plants need sun?"}}""",
                """{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"Tomatoes do."},{"type":"tool_use","id":"t","name":"Bash","input":{}}]}}""",
                """{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"secret tool output"}]}}""",
                "not json",
            ]);

            var path = TranscriptArchiver.Archive(new JsonObject { ["transcript_path"] = transcript }, Path.Combine(dir, "conversations"), "Andy",
                new DateTimeOffset(2026, 3, 4, 10, 0, 0, TimeSpan.Zero));

            Assert.Equal(Path.Combine(dir, "conversations", "2026-03-04-planning-the-garden.md"), path);
            var md = File.ReadAllText(path!);
            Assert.Contains("Which plants need sun?", md);
            Assert.Contains("**Andy**", md);
            Assert.Contains("Tomatoes do.", md);
            Assert.DoesNotContain("secret tool output", md);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class InputQueueTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nanoclaw-input-" + Guid.NewGuid().ToString("N")[..8]);

    private InputQueue Queue => new(_dir, Path.Combine(_dir, "_close"));

    private void Write(string name, string json) => File.WriteAllText(Path.Combine(Directory.CreateDirectory(_dir).FullName, name), json);

    [Fact]
    public void Drain_takes_messages_in_name_order_and_keeps_bad_files_aside()
    {
        Write("2-b.json", """{"type":"message","text":"second"}""");
        Write("1-a.json", """{"type":"message","text":"first"}""");
        Write("3-c.json", "{broken");
        Write("_close", "");

        var batch = Queue.Drain();

        Assert.Equal(["first", "second"], batch.Messages);
        Assert.True(batch.Close);
        Assert.Equal(["3-c.json.rejected"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_stale_close_is_removed()
    {
        Write("_close", "");
        Queue.RemoveStaleClose();
        Assert.False(Queue.Drain().Close);
    }

    [Fact]
    public async Task Wait_returns_when_a_message_arrives()
    {
        Directory.CreateDirectory(_dir);
        var waiting = Queue.WaitAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        Write("5-x.json.tmp", """{"type":"message","text":"late"}""");
        File.Move(Path.Combine(_dir, "5-x.json.tmp"), Path.Combine(_dir, "5-x.json"));
        var batch = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["late"], batch.Messages);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}

public sealed class IpcFileWriterTests
{
    [Fact]
    public void Writes_json_without_leaving_a_temp_file()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nanoclaw-ipc-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var path = IpcFileWriter.Write(dir, new JsonObject { ["type"] = "message" }, DateTimeOffset.UnixEpoch.AddSeconds(5));
            Assert.StartsWith("5000-", Path.GetFileName(path));
            Assert.Equal([path], Directory.GetFiles(dir));
            Assert.Equal("message", (string?)JsonNode.Parse(File.ReadAllText(path))!["type"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class RunnerInputTests
{
    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"groupFolder\":\"main\",\"chatJid\":\"x\"}")]
    public async Task Invalid_stdin_gives_an_error_record_and_exit_code_1(string stdin)
    {
        var info = new ProcessStartInfo(HostRunnerLauncher.RunnerPath())
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.Environment["NANOCLAW_WORKSPACE"] = Path.Combine(Path.GetTempPath(), "nanoclaw-never-" + Guid.NewGuid().ToString("N")[..8]);
        using var p = Process.Start(info)!;
        await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();

        Assert.Equal(1, p.ExitCode);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([OutputMarkers.Start, OutputMarkers.End], [lines[0], lines[2]]);
        var record = ContainerJson.ParseOutput(lines[1]).Match(r => r, e => throw new Xunit.Sdk.XunitException(e));
        Assert.Equal(OutputStatus.Error, record.Status);
        Assert.Contains("invalid input", record.Error.IfNone(""));
        Assert.False(Directory.Exists(info.Environment["NANOCLAW_WORKSPACE"]));
    }
}
