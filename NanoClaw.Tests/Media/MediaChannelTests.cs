using System.Text.Json;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;
using NanoClaw.Shell.WhatsApp;
using NanoClaw.Tests.Support;
using NanoClaw.Tests.WhatsApp;

namespace NanoClaw.Tests.Media;

/// <summary>
/// Inbound media through the channel: the fake sidecar process runs the real sidecar's media code (limits, names,
/// modes) on Baileys-shaped messages, the channel maps them, the real SQLite store records them, the prompt shows them.
/// </summary>
[Trait("Category", "Media")]
public sealed class MediaChannelTests
{
    private const string Registered = "120363000000000001@g.us";
    private const string Unregistered = "120363000000000002@g.us";
    private const string Alice = "15551234567@s.whatsapp.net";
    private static readonly long Seconds = DateTimeOffset.Parse("2026-01-31T14:32:00Z").ToUnixTimeSeconds();

    private static object Raw(string chat, string id, object message, long? seconds = null) => new
    {
        key = new { remoteJid = chat, fromMe = false, id, participant = Alice },
        message,
        messageTimestamp = seconds ?? Seconds,
        pushName = "Alice",
    };

    private sealed class Setup : IAsyncDisposable
    {
        public readonly ChannelHarness H = new();
        public string MediaDir => Path.Combine(H.Root, "data", "media");
        public WhatsAppChannel Channel = null!;
        private IDisposable? ingest;

        public static async Task<Setup> StartAsync(long maxFileBytes = 1 << 20, long maxPerDay = 10 << 20, FakeTranscriptionServer? transcription = null)
        {
            var s = new Setup();
            s.H.Store.Register(Registered, "family");
            var transcriber = transcription is null ? null
                : new NanoClaw.Shell.Media.VoiceTranscriber(new HttpClient(), transcription.BaseUrl, "whisper-1", transcription.ApiKey, ChannelHarness.Log);
            s.Channel = s.H.Channel(media: new WhatsAppMedia(s.MediaDir, maxFileBytes, maxPerDay,
                () => s.H.Store.Db.Groups.All().ToDictionary(g => g.Jid, g => g.Folder)), transcriber: transcriber);
            var i = s.H.Ingest();
            i.Attach(s.Channel);
            s.ingest = i;
            await s.Channel.ConnectAsync(CancellationToken.None);
            await ChannelHarness.Eventually(() => s.Channel.IsConnected, "connection open");
            return s;
        }

        public string Bytes(string name, int count, byte fill = 42)
        {
            var path = Path.Combine(H.Root, name);
            File.WriteAllBytes(path, Enumerable.Repeat(fill, count).ToArray());
            return path;
        }

        public Task<ChatMessage> StoredAsync(string id) => WaitForAsync(id);

        private async Task<ChatMessage> WaitForAsync(string id)
        {
            ChatMessage? found = null;
            await ChannelHarness.Eventually(() =>
                (found = H.Store.Db.Messages.AllOfChat(Registered).FirstOrDefault(m => m.Id == id)) is not null, $"message {id} stored");
            return found!;
        }

        public async ValueTask DisposeAsync()
        {
            ingest?.Dispose();
            await H.DisposeAsync();
        }
    }

    [NodeFact]
    public async Task Every_media_type_is_downloaded_stored_and_shown_in_the_prompt_with_its_container_path()
    {
        await using var s = await Setup.StartAsync();
        var cases = new (string Id, object Message, int Bytes, string Kind, string File, string Mime)[]
        {
            ("IMG1", new { imageMessage = new { mimetype = "image/jpeg", fileLength = 1500, caption = "our cat" } }, 1500, "image", "IMG1.jpg", "image/jpeg"),
            ("DOC1", new { documentMessage = new { mimetype = "application/pdf", fileLength = 900, fileName = "../../etc/passwd" } }, 900, "document", "DOC1.pdf", "application/pdf"),
            ("PTT1", new { audioMessage = new { mimetype = "audio/ogg; codecs=opus", fileLength = 300, ptt = true } }, 300, "voice", "PTT1.ogg", "audio/ogg"),
            ("AUD1", new { audioMessage = new { mimetype = "audio/mpeg", fileLength = 200 } }, 200, "audio", "AUD1.mp3", "audio/mpeg"),
            ("VID1", new { videoMessage = new { mimetype = "video/mp4", fileLength = 700 } }, 700, "video", "VID1.mp4", "video/mp4"),
            ("STK1", new { stickerMessage = new { mimetype = "image/webp" } }, 100, "sticker", "STK1.webp", "image/webp"),
        };
        var second = 0;
        foreach (var c in cases)
            s.H.Fake.Upsert(Raw(Registered, c.Id, c.Message, Seconds + second++), s.Bytes(c.Id, c.Bytes, (byte)c.Bytes));

        foreach (var c in cases)
        {
            var m = await s.StoredAsync(c.Id);
            var a = Assert.Single(m.Attachments);
            Assert.Equal((c.Kind, c.Mime, (long)c.Bytes, c.File), (a.Kind, a.Mime, a.Size, a.File.IfNone("")));
            Assert.True(a.Reason.IsNone);
            Assert.Equal(Enumerable.Repeat((byte)c.Bytes, c.Bytes), File.ReadAllBytes(Path.Combine(s.MediaDir, "family", c.File)));
        }
        Assert.Equal("our cat", (await s.StoredAsync("IMG1")).Content);
        Assert.Equal("", (await s.StoredAsync("DOC1")).Content);
        Assert.Equal("../../etc/passwd", (await s.StoredAsync("DOC1")).Attachments[0].OriginalName.IfNone(""));

        // Media-only messages are part of the agent's batch, and the prompt carries each file where the agent sees it.
        var batch = s.H.Store.Db.Messages.BatchSince(Registered, "");
        Assert.Equal(cases.Select(c => c.Id), batch.Select(m => m.Id));
        var prompt = PromptFormatter.Format(batch, TimeZoneInfo.Utc);
        foreach (var c in cases)
            Assert.Contains($"<attachment type=\"{c.Kind}\" path=\"/workspace/media/{c.File}\" mime=\"{c.Mime}\" size=\"{c.Bytes}\"", prompt);
        Assert.Contains("name=\"../../etc/passwd\"", prompt);
        Assert.Contains("status=\"voice note, not transcribed\"", prompt);
        Assert.Equal(cases.Select(c => c.File).Order(StringComparer.Ordinal),
            Directory.GetFiles(Path.Combine(s.MediaDir, "family")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [NodeFact]
    public async Task A_file_over_the_size_limit_is_recorded_as_too_large_and_the_message_is_kept()
    {
        await using var s = await Setup.StartAsync(maxFileBytes: 1000);
        s.H.Fake.Upsert(Raw(Registered, "BIG", new { documentMessage = new { mimetype = "application/pdf", fileLength = 5000, fileName = "big.pdf" } }),
            s.Bytes("big", 5000));
        // The stated size lies: the bytes are counted as they arrive.
        s.H.Fake.Upsert(Raw(Registered, "LIAR", new { videoMessage = new { mimetype = "video/mp4", fileLength = 10, caption = "small, honest" } }, Seconds + 1),
            s.Bytes("liar", 4000));

        var big = Assert.Single((await s.StoredAsync("BIG")).Attachments);
        Assert.Equal((true, "too large", 5000L), (big.File.IsNone, big.Reason.IfNone(""), big.Size));
        var liar = await s.StoredAsync("LIAR");
        Assert.Equal("small, honest", liar.Content);
        Assert.Equal("too large", liar.Attachments[0].Reason.IfNone(""));
        Assert.False(Directory.Exists(Path.Combine(s.MediaDir, "family")) && Directory.EnumerateFiles(Path.Combine(s.MediaDir, "family")).Any(),
            "nothing kept of a refused file");

        var prompt = PromptFormatter.Format(s.H.Store.Db.Messages.BatchSince(Registered, ""), TimeZoneInfo.Utc);
        Assert.Contains("<attachment type=\"document\" mime=\"application/pdf\" size=\"5000\" name=\"big.pdf\" status=\"not downloaded: too large\" />", prompt);
    }

    [NodeFact]
    public async Task The_daily_limit_per_group_stops_downloads_but_not_messages()
    {
        await using var s = await Setup.StartAsync(maxFileBytes: 1000, maxPerDay: 1500);
        s.H.Fake.Upsert(Raw(Registered, "D1", new { imageMessage = new { mimetype = "image/png", fileLength = 900 } }), s.Bytes("d1", 900));
        s.H.Fake.Upsert(Raw(Registered, "D2", new { imageMessage = new { mimetype = "image/png", fileLength = 900 } }, Seconds + 1), s.Bytes("d2", 900));
        Assert.Equal("D1.png", (await s.StoredAsync("D1")).Attachments[0].File.IfNone(""));
        Assert.Equal("daily limit reached", (await s.StoredAsync("D2")).Attachments[0].Reason.IfNone(""));
    }

    [NodeFact]
    public async Task A_failed_download_keeps_the_message_with_the_reason()
    {
        await using var s = await Setup.StartAsync();
        s.H.Fake.Upsert(Raw(Registered, "GONE", new { audioMessage = new { mimetype = "audio/ogg", fileLength = 10, ptt = true } }),
            failDownload: "media key expired");
        var a = Assert.Single((await s.StoredAsync("GONE")).Attachments);
        Assert.Equal(("voice", "download failed: media key expired"), (a.Kind, a.Reason.IfNone("")));
        Assert.Contains("status=\"not downloaded: download failed: media key expired\"",
            PromptFormatter.Format(s.H.Store.Db.Messages.BatchSince(Registered, ""), TimeZoneInfo.Utc));
    }

    [NodeFact]
    public async Task Media_of_unregistered_chats_is_never_downloaded_and_registering_a_group_tells_the_sidecar()
    {
        await using var s = await Setup.StartAsync();
        var first = Assert.Single(s.H.Fake.MediaCommands());
        Assert.Equal(s.MediaDir, first.GetProperty("dir").GetString());
        Assert.Equal("family", first.GetProperty("groups").GetProperty(Registered).GetString());
        Assert.False(first.GetProperty("groups").TryGetProperty(Unregistered, out _));

        s.H.Fake.Upsert(Raw(Unregistered, "U1", new { imageMessage = new { mimetype = "image/png", fileLength = 10 } }), s.Bytes("u1", 10));
        s.H.Fake.Upsert(Raw(Registered, "MARK", new { conversation = "marker" }, Seconds + 5));
        await s.StoredAsync("MARK");
        Assert.False(Directory.Exists(Path.Combine(s.MediaDir, "work")));
        Assert.Empty(Directory.Exists(s.MediaDir) ? Directory.GetFileSystemEntries(s.MediaDir) : []);

        s.H.Store.Register(Unregistered, "work");
        await s.Channel.RefreshMediaAsync(CancellationToken.None);
        await ChannelHarness.Eventually(() => s.H.Fake.MediaCommands().Count == 2, "second media command");
        Assert.Equal("work", s.H.Fake.MediaCommands()[1].GetProperty("groups").GetProperty(Unregistered).GetString());
        s.H.Fake.Upsert(Raw(Unregistered, "U2", new { imageMessage = new { mimetype = "image/png", fileLength = 10 } }, Seconds + 6), s.Bytes("u2", 10));
        await ChannelHarness.Eventually(() => File.Exists(Path.Combine(s.MediaDir, "work", "U2.png")), "the newly registered group's image");
    }

    [NodeFact]
    public async Task A_voice_note_is_transcribed_through_the_service_before_it_is_stored_and_the_transcript_is_in_the_prompt()
    {
        await using var server = await FakeTranscriptionServer.StartAsync();
        await using var s = await Setup.StartAsync(transcription: server);
        s.H.Fake.Upsert(Raw(Registered, "VOICE", new { audioMessage = new { mimetype = "audio/ogg; codecs=opus", fileLength = 640, ptt = true } }),
            s.Bytes("voice", 640, 9));
        s.H.Fake.Upsert(Raw(Registered, "AFTER", new { conversation = "sent after the voice note" }, Seconds + 1));

        var voice = await s.StoredAsync("VOICE");
        Assert.Equal("see you at six", voice.Attachments[0].Transcript.IfNone(""));
        var request = Assert.Single(server.Requests);
        Assert.Equal(("VOICE.ogg", "audio/ogg", "whisper-1"), (request.FileName, request.ContentType, request.Model));
        Assert.Equal(Enumerable.Repeat((byte)9, 640), request.Bytes);
        var batch = s.H.Store.Db.Messages.BatchSince(Registered, "");
        Assert.Equal(new[] { "VOICE", "AFTER" }, batch.Select(m => m.Id).ToArray());
        Assert.Contains("<attachment type=\"voice\" path=\"/workspace/media/VOICE.ogg\" mime=\"audio/ogg\" size=\"640\"><transcript>see you at six</transcript></attachment>",
            PromptFormatter.Format(batch, TimeZoneInfo.Utc));
    }

    [NodeFact]
    public async Task A_failed_transcription_keeps_the_voice_note_untranscribed()
    {
        await using var server = await FakeTranscriptionServer.StartAsync();
        server.Fail = true;
        await using var s = await Setup.StartAsync(transcription: server);
        s.H.Fake.Upsert(Raw(Registered, "VOICE", new { audioMessage = new { mimetype = "audio/ogg", fileLength = 64, ptt = true } }), s.Bytes("voice", 64));

        var voice = await s.StoredAsync("VOICE");
        Assert.Single(server.Requests);
        Assert.True(voice.Attachments[0].Transcript.IsNone);
        Assert.Contains("status=\"voice note, not transcribed\"", PromptFormatter.Format(s.H.Store.Db.Messages.BatchSince(Registered, ""), TimeZoneInfo.Utc));
    }
}
