using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace NanoClaw.AgentRunner.Claude;

/// <summary>
/// A running Claude Code CLI in streaming-JSON mode. Reads its stdout line by line: control requests (hook
/// callbacks) are answered at once by <see cref="HookHandler"/>, control responses complete the request that
/// waits for them, and everything else (system, assistant, user, result messages) is queued for the caller.
/// </summary>
internal sealed class ClaudeProcess : IAsyncDisposable
{
    /// <summary>Answers one hook callback: callback id and hook input in, hook output out.</summary>
    public delegate Task<JsonObject> HookHandler(string callbackId, JsonObject input, CancellationToken ct);

    private readonly Process _process;
    private readonly HookHandler _hooks;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<JsonObject> _messages = Channel.CreateUnbounded<JsonObject>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private int _requestCounter;

    private ClaudeProcess(Process process, HookHandler hooks)
    {
        _process = process;
        _hooks = hooks;
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    public static ClaudeProcess Start(
        string executable, IReadOnlyList<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> extraEnvironment, HookHandler hooks)
    {
        var info = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        // Secrets live only here, in the child's environment: never on the command line, never in a file.
        foreach (var (k, v) in extraEnvironment) info.Environment[k] = v;
        info.Environment.Remove("CLAUDECODE");
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        return new ClaudeProcess(process, hooks);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Sends the initialize control request (hook registrations) and waits for the CLI to accept it.</summary>
    public Task<JsonObject> InitializeAsync(IEnumerable<HookRegistration> hooks, CancellationToken ct) =>
        RequestAsync(ControlMessages.Initialize(hooks), TimeSpan.FromSeconds(60), ct);

    public Task SendUserMessageAsync(string text, string sessionId, CancellationToken ct) =>
        WriteLineAsync(ControlMessages.UserMessage(JsonValue.Create(text), sessionId), ct);

    /// <summary>Sends a user turn whose content may hold image blocks as well as the text.</summary>
    public Task SendUserMessageAsync(JsonNode content, string sessionId, CancellationToken ct) =>
        WriteLineAsync(ControlMessages.UserMessage(content, sessionId), ct);

    /// <summary>The next non-control message, or null when the CLI has closed its output.</summary>
    public async Task<JsonObject?> NextMessageAsync(CancellationToken ct)
    {
        try
        {
            return await _messages.Reader.ReadAsync(ct);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Closes stdin so the CLI finishes and saves its session, then waits; kills it if it lingers.</summary>
    public async Task<int> CloseAsync(TimeSpan grace)
    {
        await _writeLock.WaitAsync();
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException) { }
        finally
        {
            _writeLock.Release();
        }
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Log.Info("claude did not exit after stdin closed; killing it");
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
        await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        _process.Dispose();
        _stopping.Dispose();
    }

    private async Task<JsonObject> RequestAsync(JsonObject request, TimeSpan timeout, CancellationToken ct)
    {
        var id = $"req_{Interlocked.Increment(ref _requestCounter)}_{Guid.NewGuid():N}"[..24];
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        try
        {
            await WriteLineAsync(ControlMessages.Request(id, request), ct);
            return await tcs.Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"claude did not answer the {request["subtype"]} control request within {timeout.TotalSeconds:0} s");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task WriteLineAsync(JsonObject message, CancellationToken ct)
    {
        var line = message.ToJsonString();
        await _writeLock.WaitAsync(ct);
        try
        {
            await _process.StandardInput.WriteLineAsync(line.AsMemory(), ct);
            await _process.StandardInput.FlushAsync(ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task PumpStdoutAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(_stopping.Token) is { } line)
            {
                if (!line.TrimStart().StartsWith('{'))
                {
                    if (line.Trim().Length > 0) Log.Info("claude stdout: " + line);
                    continue;
                }
                JsonObject? message;
                try
                {
                    message = JsonNode.Parse(line) as JsonObject;
                }
                catch (JsonException e)
                {
                    Log.Info($"claude printed a line that is not JSON ({e.Message})");
                    continue;
                }
                if (message is not null) Route(message);
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            _messages.Writer.TryComplete();
            foreach (var pending in _pending.Values)
                pending.TrySetException(new InvalidOperationException("claude exited before answering a control request"));
        }
    }

    private void Route(JsonObject message)
    {
        switch ((string?)message["type"])
        {
            case "control_response":
                var response = message["response"] as JsonObject;
                var id = (string?)response?["request_id"];
                if (id is not null && _pending.TryGetValue(id, out var tcs))
                {
                    if ((string?)response!["subtype"] == "error")
                        tcs.TrySetException(new InvalidOperationException("claude refused a control request: " + (string?)response["error"]));
                    else
                        tcs.TrySetResult(response!["response"] as JsonObject ?? new JsonObject());
                }
                break;
            case "control_request":
                _ = Task.Run(() => AnswerControlRequestAsync(message));
                break;
            case "control_cancel_request":
                break;
            default:
                _messages.Writer.TryWrite(message);
                break;
        }
    }

    private async Task AnswerControlRequestAsync(JsonObject message)
    {
        var requestId = (string?)message["request_id"] ?? "";
        var request = message["request"] as JsonObject ?? new JsonObject();
        JsonObject reply;
        try
        {
            reply = (string?)request["subtype"] switch
            {
                "hook_callback" => ControlMessages.Success(requestId, await _hooks(
                    (string?)request["callback_id"] ?? "",
                    request["input"] as JsonObject ?? new JsonObject(),
                    _stopping.Token)),
                var other => ControlMessages.Failure(requestId, $"unsupported control request '{other}'"),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Info($"hook failed: {e.Message}");
            reply = ControlMessages.Failure(requestId, e.Message);
        }
        try
        {
            await WriteLineAsync(reply, _stopping.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            Log.Info($"could not answer control request {requestId}: {e.Message}");
        }
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync(_stopping.Token) is { } line)
                if (line.Length > 0) Console.Error.WriteLine("[claude] " + line);
        }
        catch (OperationCanceledException) { }
    }
}
