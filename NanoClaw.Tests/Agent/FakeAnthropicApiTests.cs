using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using NanoClaw.Tests.Support.FakeAnthropic;

namespace NanoClaw.Tests.Agent;

/// <summary>The fake speaks the Messages API wire format (checked here without the CLI).</summary>
public sealed class FakeAnthropicApiTests : IAsyncLifetime
{
    private FakeAnthropicApi _api = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _api = await FakeAnthropicApi.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    private static JsonObject Request(bool stream) => new()
    {
        ["model"] = "claude-test",
        ["max_tokens"] = 100,
        ["stream"] = stream,
        ["tools"] = new JsonArray(new JsonObject { ["name"] = "Bash", ["input_schema"] = new JsonObject { ["type"] = "object" } }),
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }),
    };

    private Task<HttpResponseMessage> Post(string path, JsonObject body) =>
        _http.PostAsync(_api.BaseUrl + path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Streams_events_in_the_api_order_and_tool_input_reassembles()
    {
        _api.Script(new ScriptedReply([new ReplyBlock.Text("Let me check."), new ReplyBlock.ToolUse("toolu_1", "Bash", new JsonObject { ["command"] = "ls -la /workspace" })]));

        var response = await Post("/v1/messages", Request(stream: true));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync())
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('\n'))
            .Select(lines => (Name: lines[0]["event: ".Length..], Data: JsonNode.Parse(lines[1]["data: ".Length..])!.AsObject()))
            .ToList();

        var names = events.Select(e => e.Name).Where(n => n != "ping").Distinct().ToList();
        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"], names);
        Assert.All(events, e => Assert.Equal(e.Name, (string?)e.Data["type"]));
        Assert.Equal("tool_use", (string?)events.Single(e => e.Name == "message_delta").Data["delta"]!["stop_reason"]);
        var text = string.Concat(events.Where(e => e.Name == "content_block_delta" && (int)e.Data["index"]! == 0).Select(e => (string?)e.Data["delta"]!["text"]));
        Assert.Equal("Let me check.", text);
        var json = string.Concat(events.Where(e => e.Name == "content_block_delta" && (int)e.Data["index"]! == 1).Select(e => (string?)e.Data["delta"]!["partial_json"]));
        Assert.Equal("ls -la /workspace", (string?)JsonNode.Parse(json)!["command"]);
    }

    [Fact]
    public async Task Answers_non_streaming_requests_and_token_counts()
    {
        _api.Script(ScriptedReply.Text("scripted"));
        var message = await (await Post("/v1/messages", Request(stream: false))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("message", (string?)message!["type"]);
        Assert.Equal("scripted", (string?)message["content"]![0]!["text"]);
        Assert.Equal("end_turn", (string?)message["stop_reason"]);

        var count = await (await Post("/v1/messages/count_tokens", Request(stream: false))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.True((int)count!["input_tokens"]! > 0);
    }

    [Fact]
    public async Task Keyed_scripts_answer_each_conversation_whatever_order_they_ask_in()
    {
        _api.Script(ScriptedReply.Text("plain"));
        _api.ScriptWhen(r => r.RawBody.Contains("from telegram", StringComparison.Ordinal), ScriptedReply.Text("tg 1"), ScriptedReply.Text("tg 2"));
        _api.ScriptWhen(r => r.RawBody.Contains("from whatsapp", StringComparison.Ordinal), ScriptedReply.Text("wa 1"));

        async Task<string?> Ask(string text)
        {
            var body = Request(stream: false);
            body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text });
            var reply = await (await Post("/v1/messages", body)).Content.ReadFromJsonAsync<JsonObject>();
            return (string?)reply!["content"]![0]!["text"];
        }

        // WhatsApp asks first although its route was added second; Telegram's two turns take its two replies in order;
        // a turn no route matches takes the plain script, then the default once everything is used up.
        Assert.Equal("wa 1", await Ask("hello from whatsapp"));
        Assert.Equal("tg 1", await Ask("hello from telegram"));
        Assert.Equal("tg 2", await Ask("again from telegram"));
        Assert.Equal("plain", await Ask("again from whatsapp"));
        Assert.Equal(FakeAnthropicApi.DefaultText, await Ask("from telegram, once more"));
    }

    [Fact]
    public async Task Side_calls_get_the_default_text_and_leave_the_script_alone()
    {
        _api.Script(ScriptedReply.Text("for the conversation"));
        var side = Request(stream: false);
        side.Remove("tools");

        var sideReply = await (await Post("/v1/messages", side)).Content.ReadFromJsonAsync<JsonObject>();
        var turnReply = await (await Post("/v1/messages", Request(stream: false))).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(FakeAnthropicApi.DefaultText, (string?)sideReply!["content"]![0]!["text"]);
        Assert.Equal("for the conversation", (string?)turnReply!["content"]![0]!["text"]);
        Assert.Equal(2, _api.Requests.Count);
        Assert.Single(_api.ConversationTurns);
    }
}
