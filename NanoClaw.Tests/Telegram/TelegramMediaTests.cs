using Dapper;
using NanoClaw.Core.Config;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Media;
using NanoClaw.Shell.Media;
using NanoClaw.Shell.Telegram;
using NanoClaw.Tests.Shell.Containers;
using NanoClaw.Tests.Shell.Store;
using NanoClaw.Tests.Support.FakeTelegram;
using NanoClaw.Tests.WhatsApp;

using static NanoClaw.Tests.Telegram.TelegramTestBed;

namespace NanoClaw.Tests.Telegram;

/// <summary>Telegram media in (getFile + download into data/media) against the fake Bot API, a real store and real files.</summary>
[Trait("Category", "Telegram")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TelegramMediaTests : IDisposable
{
    private const long Group = -100555;
    private readonly TempStoreDir dir = new();

    public void Dispose() => dir.Dispose();

    private string MediaDir => Path.Combine(dir.DataDir, "media");

    private TelegramChannel Channel(FakeTelegramBotApi fake, TestStore store, Serilog.ILogger? log = null, long maxFileBytes = 1 << 20,
        long maxPerDay = 10 << 20) =>
        TelegramTestBed.Channel(fake, store, log, media: new InboundMediaStore(new InboundMediaSettings(MediaDir, maxFileBytes, maxPerDay,
            () => store.Db.Groups.All().ToDictionary(g => g.Jid, g => g.Folder)), TimeProvider.System));

    private static byte[] Png(int size) => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, size).Select(i => (byte)(i * 7))];
    private static byte[] Jpeg(int size) => [0xFF, 0xD8, 0xFF, 0xE0, .. Enumerable.Range(0, size).Select(i => (byte)(i * 13))];
    private static byte[] Pdf(int size) => [.. "%PDF-1.7\n"u8.ToArray(), .. Enumerable.Range(0, size).Select(i => (byte)('a' + i % 26))];
    private static byte[] Ogg(int size) => [.. "OggS"u8.ToArray(), .. Enumerable.Range(0, size).Select(i => (byte)(i * 3))];
    private static byte[] Mp3(int size) => [.. "ID3"u8.ToArray(), .. Enumerable.Range(0, size).Select(i => (byte)(i * 5))];

    private List<(string Kind, string Mime, long Size, string? Path, string Status, string? Caption, string? OriginalName)> StoredAttachments(TestStore store, long id)
    {
        using var c = store.Db.Connections.Open();
        return c.Query<(string, string, long, string?, string, string?, string?)>(
            "SELECT kind, mime, size, path, status, caption, original_name FROM attachments WHERE message_id = @Id ORDER BY position",
            new { Id = id.ToString() }).ToList();
    }

    [Fact]
    public async Task Photo_document_voice_and_audio_of_a_registered_group_are_downloaded_with_sniffed_types_and_safe_modes()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        store.Register(TelegramMapping.Jid(Group), "family");
        var sink = new ListSink();
        await using var channel = Channel(fake, store, sink.Logger());
        var seen = Wire(channel, store);
        var photo = Png(5000);
        var pdf = Pdf(3000);
        var voice = Ogg(2000);
        var song = Mp3(4000);
        var photoId = fake.Queue(new IncomingMessage(Group) { Photo = new FakeFile(photo, "p.jpg", "image/jpeg"), Caption = "look @nano_test_bot" });
        // The sender's name is hostile: it must never become a path.
        var docId = fake.Queue(new IncomingMessage(Group) { Document = new FakeFile(pdf, "../../../etc/passwd.pdf", "application/pdf") });
        var voiceId = fake.Queue(new IncomingMessage(Group) { Voice = new FakeFile(voice, "v.oga", "audio/ogg", Duration: 3) });
        var audioId = fake.Queue(new IncomingMessage(Group) { Audio = new FakeFile(song, "song.mp3", "audio/mpeg", Duration: 100), Caption = "tune" });
        await channel.ConnectAsync(CancellationToken.None);

        var folder = Path.Combine(MediaDir, "family");
        async Task<Attachment> Downloaded(long id, string kind, string mime, byte[] bytes)
        {
            var message = await Arrival(seen, id);
            var a = Assert.Single(message.Attachments);
            Assert.Equal((kind, mime, (long)bytes.Length), (a.Kind, a.Mime, a.Size));
            var name = a.File.IfNone(() => throw new Xunit.Sdk.XunitException($"not downloaded: {a.Reason}"));
            Assert.True(InboundMappingNameIsPlain(name), name);
            Assert.StartsWith(id + ".", name);
            Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(folder, name)));
            Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Path.Combine(folder, name)));
            var stored = Assert.Single(StoredAttachments(store, id));
            Assert.Equal((kind, mime, name), (stored.Kind, stored.Mime, stored.Path));
            return a;
        }
        // The largest photo size is taken (the fake also offers a quarter-size thumbnail).
        var p = await Downloaded(photoId, AttachmentKinds.Image, "image/png", photo);
        Assert.Equal("look @nano_test_bot", p.Caption.IfNone(""));
        Assert.EndsWith(".png", p.File.IfNone(""));
        var d = await Downloaded(docId, AttachmentKinds.Document, "application/pdf", pdf);
        Assert.Equal("../../../etc/passwd.pdf", d.OriginalName.IfNone(""));
        await Downloaded(voiceId, AttachmentKinds.Voice, "audio/ogg", voice);
        await Downloaded(audioId, AttachmentKinds.Audio, "audio/mpeg", song);
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(folder));
        Assert.Equal(4, Directory.GetFiles(folder).Length);
        // A media message without a caption is stored, not dropped.
        Assert.Contains(store.Messages(), m => m.Id == voiceId.ToString() && m.Content == "");

        // The token (it is in every file URL) is nowhere on disk under data/ or the store, nor in the log.
        var secret = fake.Token[(fake.Token.IndexOf(':') + 1)..];
        foreach (var file in Directory.GetFiles(dir.Root, "*", SearchOption.AllDirectories))
            Assert.False((await File.ReadAllTextAsync(file)).Contains(secret, StringComparison.Ordinal), file);
        Assert.DoesNotContain(sink.Messages, m => m.Contains(secret, StringComparison.Ordinal));
    }

    private static bool InboundMappingNameIsPlain(string name) => NanoClaw.Shell.WhatsApp.InboundMapping.IsPlainFileName(name);

    [Fact]
    public async Task Over_the_file_limit_or_the_daily_limit_or_lying_about_size_a_file_is_recorded_as_not_downloaded()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        store.Register(TelegramMapping.Jid(Group), "family");
        await using var channel = Channel(fake, store, maxFileBytes: 10_000, maxPerDay: 15_000);
        var seen = Wire(channel, store);
        var big = fake.Queue(new IncomingMessage(Group) { Document = new FakeFile(Pdf(20_000), "big.pdf", "application/pdf"), Caption = "big" });
        // States 100 bytes, sends 20 000: counted while they arrive.
        var liar = fake.Queue(new IncomingMessage(Group) { Document = new FakeFile(Pdf(20_000), "liar.pdf", "application/pdf", DeclaredSize: 100) });
        var first = fake.Queue(new IncomingMessage(Group) { Document = new FakeFile(Pdf(9_000), "a.pdf", "application/pdf") });
        var second = fake.Queue(new IncomingMessage(Group) { Document = new FakeFile(Pdf(9_000), "b.pdf", "application/pdf") });
        await channel.ConnectAsync(CancellationToken.None);

        Assert.Equal("too large", Assert.Single((await Arrival(seen, big)).Attachments).Reason.IfNone(""));
        Assert.Equal("too large", Assert.Single((await Arrival(seen, liar)).Attachments).Reason.IfNone(""));
        Assert.True(Assert.Single((await Arrival(seen, first)).Attachments).File.IsSome);
        var overDay = Assert.Single((await Arrival(seen, second)).Attachments);
        Assert.Equal("daily limit reached", overDay.Reason.IfNone(""));
        Assert.True(overDay.File.IsNone);
        Assert.Equal("too large", Assert.Single(StoredAttachments(store, big)).Status);
        Assert.Single(Directory.GetFiles(Path.Combine(MediaDir, "family")));
        // The declared size alone decided the first: it was never fetched.
        Assert.DoesNotContain(fake.Downloads.Snapshot(), path => path.Contains("big", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unregistered_chats_media_is_never_fetched()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        store.Register(TelegramMapping.Jid(Group), "family");
        await using var channel = Channel(fake, store);
        var seen = Wire(channel, store);
        var stranger = fake.Queue(new IncomingMessage(-100999) { Photo = new FakeFile(Jpeg(3000), "p.jpg", "image/jpeg") });
        var privateChat = fake.Queue(new IncomingMessage(4242) { Voice = new FakeFile(Ogg(100), "v.oga", "audio/ogg") });
        await channel.ConnectAsync(CancellationToken.None);
        foreach (var id in new[] { stranger, privateChat })
            Assert.Equal(InboundMedia.NotRegistered, Assert.Single((await Arrival(seen, id)).Attachments).Reason.IfNone(""));
        Assert.Empty(fake.Downloads.Snapshot());
        Assert.DoesNotContain(fake.Requests.Snapshot(), r => r.Method.Equals("getFile", StringComparison.OrdinalIgnoreCase));
        Assert.False(Directory.Exists(MediaDir) && Directory.EnumerateFileSystemEntries(MediaDir, "*", SearchOption.AllDirectories).Any());
    }

    [Theory]
    [InlineData("../../x")]
    [InlineData("documents/../../../escape.pdf")]
    [InlineData("/etc/passwd")]
    [InlineData("documents/a%2F..%2F..%2Fx.pdf")]
    public async Task A_hostile_file_path_from_the_server_is_not_fetched_and_nothing_escapes_data_media(string serverPath)
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        var store = new TestStore(dir.StoreDir);
        store.Register(TelegramMapping.Jid(Group), "family");
        await using var channel = Channel(fake, store);
        var seen = Wire(channel, store);
        var id = fake.Queue(new IncomingMessage(Group) { Document = new FakeFile(Pdf(500), "x.pdf", "application/pdf") { ServerPath = serverPath } });
        await channel.ConnectAsync(CancellationToken.None);
        var a = Assert.Single((await Arrival(seen, id)).Attachments);
        Assert.True(a.File.IsNone);
        Assert.StartsWith("download failed: ", a.Reason.IfNone(""));
        Assert.Empty(fake.Downloads.Snapshot());
        // Only the group's (empty) folder exists under data/media; nothing was written anywhere else under the root.
        Assert.Empty(Directory.GetFiles(MediaDir, "*", SearchOption.AllDirectories));
        Assert.DoesNotContain(Directory.GetFiles(dir.Root, "*", SearchOption.AllDirectories), f => Path.GetFileName(f).Contains("escape") || Path.GetFileName(f) == "x");
    }

    [Fact]
    public async Task A_voice_note_is_transcribed_from_the_downloaded_file_when_a_transcriber_is_set()
    {
        await using var fake = await FakeTelegramBotApi.StartAsync();
        await using var whisper = await NanoClaw.Tests.Support.FakeTranscriptionServer.StartAsync();
        var store = new TestStore(dir.StoreDir);
        store.Register(TelegramMapping.Jid(Group), "family");
        var basic = Channel(fake, store);
        await using var channel = new TelegramChannel(new TelegramOptions(true, fake.BaseUrl, 2), fake.Token, store.Outbox,
            new StoreTelegramOffset(store.Db), TimeProvider.System, Serilog.Core.Logger.None)
        {
            Media = basic.Media,
            Transcriber = new VoiceTranscriber(new HttpClient(), whisper.BaseUrl, "whisper-1", LanguageExt.Prelude.Some(whisper.ApiKey), Serilog.Core.Logger.None),
        };
        await basic.DisposeAsync();
        var seen = Wire(channel, store);
        var note = Ogg(1500);
        var id = fake.Queue(new IncomingMessage(Group) { Voice = new FakeFile(note, "v.oga", "audio/ogg", Duration: 2) });
        await channel.ConnectAsync(CancellationToken.None);
        var a = Assert.Single((await Arrival(seen, id)).Attachments);
        Assert.Equal("see you at six", a.Transcript.IfNone(""));
        Assert.Equal(note, Assert.Single(whisper.Requests).Bytes);
    }
}
