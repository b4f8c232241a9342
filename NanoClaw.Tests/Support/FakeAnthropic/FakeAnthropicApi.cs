using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NanoClaw.Tests.Support.FakeAnthropic;

/// <summary>
/// A stand-in for the Anthropic Messages API on 127.0.0.1 (random port), speaking the real wire protocol so the
/// real Claude Code CLI can run against it. Conversation turns (requests that offer tools) take the next scripted
/// reply; side calls and turns past the script get a short default text. Every request is recorded.
/// </summary>
public sealed class FakeAnthropicApi : IAsyncDisposable
{
    public const string DefaultText = "OK.";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedReply> _script = new();
    private readonly List<(Func<RecordedRequest, bool> When, ConcurrentQueue<ScriptedReply> Replies)> _routes = [];
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private int _messageCounter;

    private FakeAnthropicApi(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The key the fake expects (x-api-key); tests look for it where it must not be.</summary>
    public string ApiKey { get; } = "sk-ant-fake-" + Guid.NewGuid().ToString("N");

    public static async Task<FakeAnthropicApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeAnthropicApi(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
        return fake;
    }

    /// <summary>
    /// Usage every Messages API response reports (message_start: input and cache tokens; message_delta: output tokens).
    /// Null (the default): input tokens from the body's size, output tokens from the reply's, no cache tokens.
    /// </summary>
    public FakeUsage? FixedUsage { get; set; }

    /// <summary>Messages API calls answered so far (count_tokens and unknown paths not counted).</summary>
    public int MessagesAnswered => Volatile.Read(ref _messageCounter);

    /// <summary>Queues replies for the next conversation turns, in order.</summary>
    public void Script(params ScriptedReply[] replies)
    {
        foreach (var r in replies) _script.Enqueue(r);
    }

    /// <summary>
    /// Queues replies for the conversation turns that <paramref name="when"/> matches (checked before the plain script,
    /// routes in the order added), so agents running in parallel each get their own script whatever order they ask in.
    /// </summary>
    public void ScriptWhen(Func<RecordedRequest, bool> when, params ScriptedReply[] replies)
    {
        lock (_gate) _routes.Add((when, new ConcurrentQueue<ScriptedReply>(replies)));
    }

    /// <summary>Drops replies still queued (a test sharing the fake with earlier ones starts from an empty script).</summary>
    public void ClearScript()
    {
        _script.Clear();
        lock (_gate) _routes.Clear();
    }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_gate) return _requests.ToList(); }
    }

    public IReadOnlyList<RecordedRequest> ConversationTurns => Requests.Where(r => r.IsConversationTurn).ToList();

    /// <summary>Waits for a recorded request matching <paramref name="match"/> (already received or arriving later).</summary>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Requests.FirstOrDefault(match) is { } found) return found;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no matching request within {timeout.TotalSeconds:0} s; got {Requests.Count}: {string.Join(", ", Requests.Select(r => r.Path))}");
            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var request = new RecordedRequest(http.Request.Method, http.Request.Path + http.Request.QueryString, headers, body);
        lock (_gate) _requests.Add(request);
        _arrived.Release();

        var path = http.Request.Path.Value ?? "";
        if (http.Request.Method == "POST" && path == "/v1/messages/count_tokens")
        {
            await Json(http, new JsonObject { ["input_tokens"] = Math.Max(1, body.Length / 4) });
            return;
        }
        if (http.Request.Method != "POST" || path != "/v1/messages")
        {
            http.Response.StatusCode = 404;
            await Json(http, new JsonObject
            {
                ["type"] = "error",
                ["error"] = new JsonObject { ["type"] = "not_found_error", ["message"] = $"fake API: no {http.Request.Method} {path}" },
            });
            return;
        }
        if (request.Body is null)
        {
            http.Response.StatusCode = 400;
            await Json(http, new JsonObject
            {
                ["type"] = "error",
                ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = "body is not JSON" },
            });
            return;
        }

        var reply = request.IsConversationTurn && (Routed(request) ?? (_script.TryDequeue(out var scripted) ? scripted : null)) is { } next
            ? next
            : ScriptedReply.Text(DefaultText);
        var model = (string?)request.Body["model"] ?? "claude-sonnet-4-5";
        var id = $"msg_fake{Interlocked.Increment(ref _messageCounter):D6}";
        var inputTokens = Math.Max(1, body.Length / 4);
        http.Response.Headers["request-id"] = "req_fake_" + id;
        if (!request.Streams)
        {
            await Json(http, SseEvents.Message(reply, id, model, inputTokens, FixedUsage));
            return;
        }
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        foreach (var (name, data) in SseEvents.For(reply, id, model, inputTokens, FixedUsage))
        {
            await http.Response.WriteAsync($"event: {name}\ndata: {data.ToJsonString()}\n\n");
            await http.Response.Body.FlushAsync();
        }
    }

    private ScriptedReply? Routed(RecordedRequest request)
    {
        lock (_gate)
            foreach (var (when, replies) in _routes)
                if (when(request) && replies.TryDequeue(out var reply)) return reply;
        return null;
    }

    private static Task Json(HttpContext http, JsonObject body)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(body.ToJsonString());
    }
}
