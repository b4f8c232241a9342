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
    private const string Family = WhatsAppTestBed.Family;

    private WhatsAppTestBed bed = null!;
    private FakeAnthropicApi api = null!;
    private FakeTranscriptionServer transcription = null!;
    private Installation installation = null!;
    private FakeSidecar sidecar = null!;

    public async Task InitializeAsync()
    {
        transcription = await FakeTranscriptionServer.StartAsync();
        bed = await WhatsAppTestBed.StartAsync(credentials: $"transcription_api_key: \"{transcription.ApiKey}\"\n");
        (api, installation, sidecar) = (bed.Api, bed.Installation, bed.Sidecar);
    }

    public async Task DisposeAsync()
    {
        await bed.DisposeAsync();
        await transcription.DisposeAsync();
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

    private Task<DaemonProcess> StartDaemonAsync(Dictionary<string, string>? env = null) => bed.StartDaemonAsync(env, media: true);

    private Task<SentRecord> WaitForSentAsync(string text) => bed.WaitForSentAsync(text);
}
