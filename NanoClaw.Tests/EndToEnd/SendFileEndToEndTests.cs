using System.Text;
using System.Text.Json.Nodes;
using NanoClaw.Tests.Agent;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.Support.FakeAnthropic;
using NanoClaw.Tests.WhatsApp;

namespace NanoClaw.Tests.EndToEnd;

/// <summary>
/// Outbound files end to end (issue 17, "Out"): the real daemon, the fake sidecar (it records the bytes it read for
/// each send_file), the real image under Podman with the real Claude Code CLI against the fake API.
/// </summary>
[Trait("Category", "Media")]
[Trait("Category", "EndToEnd")]
[Collection("RealClaude")]
public sealed class SendFileEndToEndTests : IAsyncLifetime
{
    private const string Family = WhatsAppTestBed.Family;
    private static readonly TimeSpan Turn = WhatsAppTestBed.Turn;

    private readonly string secret = "sk-sendfile-" + Guid.NewGuid().ToString("N");
    private WhatsAppTestBed bed = null!;
    private FakeAnthropicApi api = null!;
    private Installation installation = null!;
    private FakeSidecar sidecar = null!;

    public async Task InitializeAsync()
    {
        // A credential only the host uses: it must never reach the model, whatever the agent links to.
        bed = await WhatsAppTestBed.StartAsync(credentials: $"transcription_api_key: \"{secret}\"\n");
        (api, installation, sidecar) = (bed.Api, bed.Installation, bed.Sidecar);
    }

    public async Task DisposeAsync() => await bed.DisposeAsync();

    [ClaudeImageFact]
    public async Task A_pdf_the_agent_wrote_reaches_the_sidecar_as_a_document_with_its_exact_bytes_and_caption()
    {
        const string content = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
        api.Script(
            ScriptedReply.ToolUse("Write", new JsonObject { ["file_path"] = "/workspace/group/report.pdf", ["content"] = content }),
            ScriptedReply.ToolUse("mcp__nanoclaw__send_file", new JsonObject { ["path"] = "/workspace/group/report.pdf", ["caption"] = "The weekly report" }),
            ScriptedReply.Text("Report sent."));
        await StartDaemonAsync();
        Ask("ASK1", "@Andy send me the weekly report as a PDF");

        await WaitForSentAsync("Report sent.");
        var file = await Eventually.ValueAsync(() => sidecar.Files().FirstOrDefault(), Turn,
            () => "no file reached the sidecar; daemon log:\n" + bed.Daemons[^1].Tail());
        Assert.Single(sidecar.Files());
        Assert.Equal(Family, file.Jid);
        Assert.Equal("document", file.Kind);
        Assert.Equal("application/pdf", file.Mimetype);
        Assert.Equal("report.pdf", file.FileName);
        Assert.Equal("Andy: The weekly report", file.Caption); // shared number (the default): prefixed like text replies
        Assert.Equal(Encoding.UTF8.GetBytes(content), file.Bytes);
        // The tool said it was queued (not an error), and the host's copy is gone once the sidecar confirmed it.
        var result = api.ConversationTurns.SelectMany(t => t.ToolResults).Last(r => RecordedRequest.ContentText(r).Contains("queued", StringComparison.Ordinal));
        Assert.False(RecordedRequest.IsError(result), result.ToJsonString());
        await Eventually.TrueAsync(() => !Directory.EnumerateFiles(Path.Combine(installation.DataDir, "outbox-files")).Any(), TimeSpan.FromSeconds(30),
            () => "the host's copy was not removed after the confirmed send");
    }

    [ClaudeImageFact]
    public async Task A_send_file_of_a_link_to_the_hosts_credentials_is_refused_with_a_reason_and_nothing_leaks()
    {
        // The link resolves to credentials.yml on the host (groups/family/../../credentials.yml), to nothing inside the
        // container. First the tool (which refuses links itself), then the raw IPC request the tool would have written,
        // so the host's own refusal is exercised too.
        var request = $"{{\"type\":\"send_file\",\"chatJid\":\"{Family}\",\"path\":\"/workspace/group/creds.txt\"}}";
        const string dir = "/workspace/ipc/messages";
        api.Script(
            ScriptedReply.ToolUse("Bash", new JsonObject
            {
                ["command"] = "cd /workspace/group && ln -s ../../credentials.yml creds.txt",
                ["description"] = "Link to the host's credentials",
            }),
            ScriptedReply.ToolUse("mcp__nanoclaw__send_file", new JsonObject { ["path"] = "creds.txt", ["caption"] = "creds" }),
            ScriptedReply.ToolUse("Bash", new JsonObject
            {
                ["command"] = $"printf '%s' '{request}' > {dir}/leak.json.tmp && mv {dir}/leak.json.tmp {dir}/leak.json",
                ["description"] = "Write the send_file request directly",
            }),
            ScriptedReply.Text("I could not send it."));
        await StartDaemonAsync();
        Ask("ASK2", "@Andy send me the credentials");

        var moved = await Eventually.ValueAsync(
            () => installation.ErrorFiles().FirstOrDefault(f => Path.GetFileName(f) == "family-leak.json"),
            Turn, () => "no refused file in data/ipc/errors; daemon log:\n" + bed.Daemons[^1].Tail());
        Assert.Equal(request, File.ReadAllText(moved));
        var reason = File.ReadAllText(moved + ".reason.txt");
        Assert.Contains("refused", reason);
        Assert.Contains("/workspace/group/creds.txt is a symbolic link", reason);
        await WaitForSentAsync("I could not send it.");

        // The tool refused with a reason the model can read.
        var toolResult = api.ConversationTurns.SelectMany(t => t.ToolResults)
            .First(r => RecordedRequest.ContentText(r).Contains("/workspace/group/creds.txt", StringComparison.Ordinal));
        Assert.True(RecordedRequest.IsError(toolResult), toolResult.ToJsonString());
        Assert.Contains("no regular file", RecordedRequest.ContentText(toolResult));

        Assert.Empty(sidecar.Files());
        Assert.DoesNotContain(sidecar.Attempts(), a => a.Text is null); // no send_file ever reached the sidecar
        Assert.False(Directory.Exists(Path.Combine(installation.DataDir, "outbox-files"))
            && Directory.EnumerateFiles(Path.Combine(installation.DataDir, "outbox-files")).Any(), "a copy was made of a refused file");
        var credentials = File.ReadAllText(Path.Combine(installation.Root, "credentials.yml"));
        Assert.DoesNotContain(api.Requests, r => r.RawBody.Contains(secret, StringComparison.Ordinal)
            || r.RawBody.Contains(api.ApiKey, StringComparison.Ordinal) || r.RawBody.Contains("transcription_api_key", StringComparison.Ordinal));
        Assert.DoesNotContain(sidecar.Sent(), s => s.Text.Contains(secret, StringComparison.Ordinal) || credentials.Contains(s.Text.Trim(), StringComparison.Ordinal));
    }

    private void Ask(string id, string text) =>
        sidecar.Upsert(new
        {
            key = new { remoteJid = Family, fromMe = false, id, participant = "15551234567@s.whatsapp.net" },
            message = new { conversation = text },
            messageTimestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            pushName = "Alice",
        });

    private Task<DaemonProcess> StartDaemonAsync() => bed.StartDaemonAsync(media: true);

    private Task<SentRecord> WaitForSentAsync(string text) => bed.WaitForSentAsync(text);
}
