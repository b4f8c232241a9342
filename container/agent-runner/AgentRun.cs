using System.Text.Json.Nodes;
using LanguageExt;
using NanoClaw.AgentRunner.Claude;
using NanoClaw.AgentRunner.Hooks;
using NanoClaw.AgentRunner.Ipc;
using NanoClaw.AgentRunner.Output;
using NanoClaw.AgentRunner.Prompts;
using NanoClaw.AgentRunner.Proxy;
using NanoClaw.AgentRunner.Tasks;
using NanoClaw.Core.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.AgentRunner;

/// <summary>
/// One container run (SPEC §10): the first prompt, then follow-up turns from IPC input files until the host
/// writes <c>_close</c>. Claude Code stays up between turns, so a follow-up continues the same session.
/// </summary>
internal sealed class AgentRun(ContainerInput input, RunnerPaths paths, RecordWriter records, TimeProvider clock)
{
    /// <summary>The runner's own limits (issue 20); none when the host did not send its timeouts.</summary>
    public Lifetime.RunLimits? Limits { get; init; }

    private const string BashGuardHook = "bash-credential-guard";
    private const string PreCompactHook = "pre-compact-archive";

    private Option<string> _sessionId = input.SessionId;

    /// <summary>Claude Code's running totals so far in this process, to turn them into per-turn amounts.</summary>
    private ProcessTotals _totals = ProcessTotals.Start;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var inbox = new InputQueue(paths.IpcInput, paths.CloseSentinel);
        inbox.RemoveStaleClose();
        Directory.CreateDirectory(paths.IpcMessages);
        Directory.CreateDirectory(paths.IpcTasks);

        string? scriptData = null;
        if (input.Script.Case is string script)
        {
            switch (await TaskScript.RunAsync(script, paths.Group, ct))
            {
                case ScriptOutcome.Sleep:
                    Log.Info("task script: nothing to do, the agent stays asleep");
                    records.TurnEnded(_sessionId);
                    return 0;
                case ScriptOutcome.Failed f:
                    records.Error("task script failed: " + f.Reason, _sessionId);
                    return 1;
                case ScriptOutcome.Wake w:
                    scriptData = w.Data;
                    break;
            }
        }

        var pending = inbox.Drain();
        var prompt = PromptText.First(input.Prompt, input.IsScheduledTask, pending.Messages, scriptData);
        var closeRequested = pending.Close;

        // The credential proxy's socket (when the host sent one) becomes a loopback base URL for Claude Code.
        var (claudeEnv, forwarder) = ApiForwarder.Start(input.Secrets.ToDictionary(p => p.Key, p => p.Value).AsReadOnly());
        await using var _ = forwarder;
        await using var claude = ClaudeProcess.Start(
            RunnerPaths.ClaudeExecutable(),
            ClaudeCommand.Arguments(Launch()),
            paths.Group,
            claudeEnv,
            AnswerHookAsync);

        try
        {
            await claude.InitializeAsync(
                [new HookRegistration("PreToolUse", "Bash", BashGuardHook), new HookRegistration("PreCompact", null, PreCompactHook)],
                ct);
        }
        catch (InvalidOperationException e)
        {
            records.Error("Claude Code did not start: " + e.Message, _sessionId);
            return 1;
        }

        while (true)
        {
            Log.Info($"starting a turn ({prompt.Length} chars)");
            // Images named in this turn's prompt go along as image blocks (ImageBlocks: limits, fallback to the path).
            await claude.SendUserMessageAsync(ImageBlocks.Content(prompt, paths.Media), _sessionId.IfNone(""), ct);
            if (!await RunTurnAsync(claude, ct)) return 1;
            if (closeRequested) break;

            Log.Info("turn ended; waiting for input or _close");
            var next = await inbox.WaitAsync(Limits?.IdleLimit, () => Lifetime.HostSide.GoneReason(paths.Ipc, paths.IpcInput), clock, ct);
            if (next.GaveUp is { } why)
            {
                Log.Info($"ending the run on its own: {why}");
                await claude.CloseAsync(TimeSpan.FromSeconds(10));
                return 0;
            }
            if (next.Messages.Count == 0) break;
            prompt = PromptText.Merge(next.Messages);
            closeRequested = next.Close;
        }

        Log.Info("_close received; ending the run");
        await claude.CloseAsync(TimeSpan.FromSeconds(10));
        return 0;
    }

    /// <summary>Reads messages until the turn's result; emits its record, then the end-of-turn record.</summary>
    private async Task<bool> RunTurnAsync(ClaudeProcess claude, CancellationToken ct)
    {
        while (await claude.NextMessageAsync(ct) is { } message)
        {
            if ((string?)message["session_id"] is { Length: > 0 } sid) _sessionId = sid;
            if ((string?)message["type"] != "result") continue;

            var text = (string?)message["result"];
            var (usage, totals) = TurnUsageReader.Read(message, _totals);
            _totals = totals;
            if (message["is_error"] is JsonValue e && e.TryGetValue<bool>(out var isError) && isError)
            {
                records.Error($"Claude Code ended the turn with an error ({(string?)message["subtype"]}): {text}", _sessionId, usage);
                return false;
            }
            records.Result(string.IsNullOrEmpty(text) ? null : text, _sessionId);
            records.TurnEnded(_sessionId, usage);
            return true;
        }
        records.Error("Claude Code exited in the middle of a turn", _sessionId);
        return false;
    }

    private Task<JsonObject> AnswerHookAsync(string callbackId, JsonObject hookInput, CancellationToken ct) =>
        Task.FromResult(callbackId switch
        {
            BashGuardHook => BashCredentialGuard.Answer(hookInput),
            PreCompactHook => ArchiveThenContinue(hookInput),
            _ => new JsonObject(),
        });

    private JsonObject ArchiveThenContinue(JsonObject hookInput)
    {
        try
        {
            TranscriptArchiver.Archive(hookInput, paths.Conversations, input.AssistantName, clock.GetLocalNow());
        }
        catch (IOException e)
        {
            // Compaction goes ahead either way; losing the archive is better than blocking the agent.
            Log.Info("PreCompact: could not archive the transcript: " + e.Message);
        }
        return new JsonObject();
    }

    private ClaudeLaunch Launch() => new(
        input.SessionId,
        paths.ExtraDirectories(),
        !input.IsMain && File.Exists(paths.GlobalMemory) ? Some(File.ReadAllText(paths.GlobalMemory)) : None,
        McpServer());

    private McpServerLaunch McpServer()
    {
        var env = new Dictionary<string, string>
        {
            ["NANOCLAW_CHAT_JID"] = input.ChatJid,
            ["NANOCLAW_GROUP_FOLDER"] = input.GroupFolder,
            ["NANOCLAW_IS_MAIN"] = input.IsMain ? "1" : "0",
            ["NANOCLAW_IPC_DIR"] = paths.Ipc,
            ["NANOCLAW_SNAPSHOTS_DIR"] = paths.Snapshots,
        };
        if (Environment.GetEnvironmentVariable("TZ") is { Length: > 0 } tz) env["TZ"] = tz;
        var self = Environment.ProcessPath ?? "nanoclaw-agent-runner";
        // Under `dotnet nanoclaw-agent-runner.dll` (development) the host needs the assembly path too.
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? new McpServerLaunch(self, [Path.Combine(AppContext.BaseDirectory, "nanoclaw-agent-runner.dll"), "mcp"], env)
            : new McpServerLaunch(self, ["mcp"], env);
    }
}
