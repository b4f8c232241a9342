using System.Text.Json.Nodes;
using NanoClaw.Core.Domain;
using NanoClaw.Tests.Agent;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;
using NanoClaw.Tests.Media;
using NanoClaw.Tests.WhatsApp;

namespace NanoClaw.Tests.EndToEnd;

/// <summary>
/// Inbound media end to end: the real daemon, the fake sidecar running the real sidecar's media code, the real image
/// under Podman with the real Claude Code CLI against the fake API (and a fake transcription service on loopback).
/// </summary>
[Trait("Category", "Media")]
[Trait("Category", "EndToEnd")]
[Collection("RealClaude")]
public sealed class MediaEndToEndTests : IAsyncLifetime
{
    private const string Family = "120363000000000042@g.us";
    private static readonly TimeSpan Turn = TimeSpan.FromSeconds(180);

    private readonly List<DaemonProcess> daemons = [];
    private FakeAnthropicApi api = null!;
    private FakeTranscriptionServer transcription = null!;
    private Installation installation = null!;
    private FakeSidecar sidecar = null!;

    public async Task InitializeAsync()
    {
        Assert.True(new AgentImageFixture().Problem is null, new AgentImageFixture().Problem);
        Assert.True(Requirements.HasNode, "node is needed for the fake WhatsApp sidecar");
        api = await FakeAnthropicApi.StartAsync();
        transcription = await FakeTranscriptionServer.StartAsync();
        installation = new Installation(api, whatsApp: true);
        File.AppendAllText(Path.Combine(installation.Root, "credentials.yml"), $"transcription_api_key: \"{transcription.ApiKey}\"\n");
        installation.Register(Family, "family");
        sidecar = new FakeSidecar(installation.Root);
    }

    public async Task DisposeAsync()
    {
        foreach (var daemon in daemons) await daemon.DisposeAsync();
        Installation.RemoveContainers(daemons.SelectMany(d => d.StartedContainers).Select(c => c.Name));
        await transcription.DisposeAsync();
        await api.DisposeAsync();
        installation.Dispose();
    }

    [ClaudeImageFact]
    public async Task A_photo_arrives_at_the_api_as_an_image_content_block()
    {
        api.Script(ScriptedReply.Text("A gradient."));
        await StartDaemonAsync();
        var png = MediaSamples.Png(64, 48);
        Upsert("PHOTO1", new { imageMessage = new { mimetype = "image/png", fileLength = png.Length, caption = "@Andy what is in this photo?" } }, png);

        await WaitForSentAsync("A gradient.");
        var turn = Assert.Single(ApiRequests.TurnsMentioning(api, "what is in this photo?"));
        Assert.Contains("path=\"/workspace/media/PHOTO1.png\"", ApiRequests.UserText(turn));
        var image = turn.Messages.OfType<JsonObject>().Where(m => (string?)m["role"] == "user")
            .SelectMany(m => m["content"] as JsonArray ?? []).OfType<JsonObject>()
            .Single(b => (string?)b["type"] == "image");
        Assert.Equal("image/png", (string?)image["source"]!["media_type"]);
        Assert.Equal(png, Convert.FromBase64String((string)image["source"]!["data"]!));
    }

    [ClaudeImageFact]
    public async Task A_pdf_path_is_in_the_prompt_and_the_agents_Read_of_it_succeeds_inside_the_container()
    {
        api.Script(
            ScriptedReply.ToolUse("Read", new JsonObject { ["file_path"] = "/workspace/media/DOC1.pdf" }),
            ScriptedReply.Text("They agreed on Friday."));
        await StartDaemonAsync();
        var pdf = MediaSamples.Pdf("Minutes: we meet on Friday");
        Upsert("DOC1", new { documentMessage = new { mimetype = "application/pdf", fileLength = pdf.Length, fileName = "minutes.pdf", caption = "@Andy summarise" } }, pdf);

        await WaitForSentAsync("They agreed on Friday.");
        // The first turn carries the prompt; the next repeats it as history with the Read's result.
        Assert.Contains("path=\"/workspace/media/DOC1.pdf\"", ApiRequests.UserText(ApiRequests.TurnsMentioning(api, "summarise")[0]));
        var result = Assert.Single(api.ConversationTurns[^1].ToolResults);
        Assert.False(RecordedRequest.IsError(result), result.ToJsonString());
    }

    [ClaudeImageFact]
    public async Task A_voice_notes_transcript_is_in_the_prompt()
    {
        api.Script(ScriptedReply.Text("Six it is."));
        await StartDaemonAsync(new() { ["NANOCLAW_MEDIA__TRANSCRIPTION_URL"] = transcription.BaseUrl });
        Upsert("VOICE1", new { audioMessage = new { mimetype = "audio/ogg; codecs=opus", fileLength = 640, ptt = true } }, new byte[640]);
        await Eventually.TrueAsync(() => transcription.Requests.Count == 1, TimeSpan.FromSeconds(30), () => "no transcription request");
        Upsert("ASK", new { conversation = "@Andy when do we meet?" }, null, seconds: 1);

        await WaitForSentAsync("Six it is.");
        var text = ApiRequests.UserText(Assert.Single(ApiRequests.TurnsMentioning(api, "when do we meet?")));
        Assert.Contains("<transcript>see you at six</transcript>", text);
        Assert.Equal("VOICE1.ogg", transcription.Requests[0].FileName);
    }

    private void Upsert(string id, object message, byte[]? bytes, int seconds = 0)
    {
        string? file = null;
        if (bytes is not null)
        {
            file = Path.Combine(installation.Root, "upload-" + id);
            File.WriteAllBytes(file, bytes);
        }
        sidecar.Upsert(new
        {
            key = new { remoteJid = Family, fromMe = false, id, participant = "15551234567@s.whatsapp.net" },
            message,
            messageTimestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + seconds,
            pushName = "Alice",
        }, file);
    }

    private async Task<DaemonProcess> StartDaemonAsync(Dictionary<string, string>? env = null)
    {
        var all = new Dictionary<string, string>
        {
            ["NANOCLAW_SIDECAR_DIR"] = FakeSidecar.FixtureDir,
            ["NANOCLAW_SIDECAR_SCRIPT"] = "main.mjs",
            ["NANOCLAW_SIDECAR_FAKE_DIR"] = sidecar.Dir,
        };
        foreach (var (k, v) in env ?? []) all[k] = v;
        var daemon = await DaemonProcess.StartAsync(installation.Root, all, skipSetupCheck: true);
        daemons.Add(daemon);
        await Eventually.TrueAsync(() => sidecar.Connects().Count > 0 && sidecar.MediaCommands().Count > 0, TimeSpan.FromSeconds(30),
            () => "the daemon did not connect the sidecar:\n" + daemon.Tail());
        return daemon;
    }

    private Task<SentRecord> WaitForSentAsync(string text) =>
        Eventually.ValueAsync(() => sidecar.Sent().FirstOrDefault(s => s.Text.Contains(text, StringComparison.Ordinal)), Turn,
            () => "nothing sent containing " + text + "; daemon log:\n" + daemons[^1].Tail());
}
