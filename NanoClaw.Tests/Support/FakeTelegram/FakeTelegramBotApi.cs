using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NanoClaw.Tests.Support.FakeTelegram;

/// <summary>
/// The Telegram Bot API on 127.0.0.1 (random port), speaking the real HTTP protocol as Telegram.Bot 22 calls it:
/// <c>POST /bot&lt;token&gt;/&lt;method&gt;</c> with JSON, form or multipart bodies (query strings too), answered
/// <c>{"ok":true,"result":…}</c> or <c>{"ok":false,"error_code":…,"description":…,"parameters":{"retry_after":N}}</c>
/// with the matching HTTP status; <c>GET /file/bot&lt;token&gt;/&lt;file_path&gt;</c> for downloads. A wrong token
/// gets 401. Methods: getMe, getUpdates (offset confirms, timeout holds the request open until an update is queued),
/// sendMessage (parse_mode HTML checked as Telegram does, 4096-character limit), sendChatAction, getFile,
/// sendPhoto/sendDocument/sendVoice/sendAudio/sendVideo (multipart), chats that refuse the bot (<see cref="Block"/>). Tests script it (<see cref="Queue"/>,
/// <see cref="Fail"/>) and await what the bot did (<see cref="Messages"/>, <see cref="Files"/>,
/// <see cref="ChatActions"/>, <see cref="Requests"/>).
/// </summary>
public sealed class FakeTelegramBotApi : IAsyncDisposable
{
    /// <summary>Telegram's limit on a message's text (after entity parsing), in UTF-16 code units.</summary>
    public const int MaxMessageLength = 4096;

    private readonly WebApplication app;
    private readonly TimeProvider clock;
    private readonly Lock gate = new();
    private readonly List<JsonObject> updates = [];
    private readonly List<InjectedFailure> failures = [];
    private readonly Dictionary<string, (FakeFile File, string Path)> files = new(StringComparer.Ordinal);
    private readonly HashSet<(long Chat, long Message)> botMessages = [];
    private readonly CancellationTokenSource stopping = new();
    private TaskCompletionSource updateQueued = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long nextUpdateId = 100_000;
    private long nextMessageId = 1;
    private long nextFileId = 1;
    private long confirmedOffset;

    private FakeTelegramBotApi(WebApplication app, TimeProvider clock)
    {
        this.app = app;
        this.clock = clock;
    }

    public const long BotId = 7_000_001;
    public string BotUsername { get; } = "nano_test_bot";
    public string BotFirstName { get; } = "NanoClaw";

    /// <summary>The only token the fake accepts (Telegram's form: bot id, colon, secret).</summary>
    public string Token { get; private set; } = $"{BotId}:AAH{Guid.NewGuid():N}";

    /// <summary>Base URL to give Telegram.Bot (<c>TelegramBotClientOptions.baseUrl</c>), e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public int Port { get; private set; }

    public EventLog<TelegramRequest> Requests { get; } = new();
    public EventLog<SentMessage> Messages { get; } = new();
    public EventLog<SentFile> Files { get; } = new();
    public EventLog<SentChatAction> ChatActions { get; } = new();
    /// <summary>Each getUpdates call as it starts waiting for an update (its <c>offset</c>, 0 for none).</summary>
    public EventLog<long> HeldPolls { get; } = new();
    /// <summary>Paths of files downloaded through <c>/file/bot…</c>.</summary>
    public EventLog<string> Downloads { get; } = new();

    /// <summary>The highest <c>offset</c> a getUpdates call has confirmed: updates below it are gone, as on Telegram.</summary>
    public long ConfirmedOffset
    {
        get { lock (gate) return confirmedOffset; }
    }

    /// <summary>Starts on 127.0.0.1, on <paramref name="port"/> (0: a free one) — a restarted fake can take its old port (and <paramref name="token"/>).</summary>
    public static async Task<FakeTelegramBotApi> StartAsync(TimeProvider? clock = null, int port = 0, string? token = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var fake = new FakeTelegramBotApi(app, clock ?? TimeProvider.System);
        if (token is not null) fake.Token = token;
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        fake.Port = new Uri(fake.BaseUrl).Port;
        return fake;
    }

    // ---- script -------------------------------------------------------------------------------

    /// <summary>Queues an update carrying <paramref name="message"/>; returns the message's id.</summary>
    public long Queue(IncomingMessage message)
    {
        JsonObject update;
        long messageId;
        lock (gate)
        {
            messageId = nextMessageId++;
            update = new JsonObject
            {
                ["update_id"] = nextUpdateId++,
                ["message"] = MessageJson(message, messageId),
            };
            updates.Add(update);
        }
        SignalUpdate();
        return messageId;
    }

    /// <summary>Queues a text message (a convenience for <see cref="Queue"/>).</summary>
    public long QueueText(long chatId, string text, TelegramUser? from = null, string? chatTitle = null) =>
        Queue(new IncomingMessage(chatId) { Text = text, From = from ?? TelegramUser.Alice, ChatTitle = chatTitle });

    /// <summary>Queues an update as given (its <c>update_id</c> is assigned); for kinds the builder does not cover.</summary>
    public long QueueRaw(JsonObject body)
    {
        lock (gate)
        {
            body["update_id"] = nextUpdateId;
            updates.Add(body);
        }
        SignalUpdate();
        lock (gate) return nextUpdateId++;
    }

    /// <summary>The next <paramref name="count"/> requests for <paramref name="method"/> (null: any) get this failure instead.</summary>
    public void Fail(string? method, int count, int errorCode = 502, string description = "Bad Gateway", int? retryAfter = null)
    {
        lock (gate)
            for (var i = 0; i < count; i++) failures.Add(new InjectedFailure(method, errorCode, description, retryAfter));
    }

    /// <summary>
    /// After <paramref name="passing"/> more requests for <paramref name="method"/> are answered normally, the next
    /// <paramref name="count"/> get this failure (to fail part 3 of a long reply, say).
    /// </summary>
    public void FailAfter(string method, int passing, int count = 1, int errorCode = 502, string description = "Bad Gateway", int? retryAfter = null)
    {
        lock (gate) delayedFailures.Add(new DelayedFailure(new InjectedFailure(method, errorCode, description, retryAfter), passing, count));
    }

    /// <summary>Drops every failure still scripted for <paramref name="method"/> (null: for any method): the server is healthy again.</summary>
    public void ClearFailures(string? method)
    {
        bool Matches(string? m) => method is null || string.Equals(m, method, StringComparison.OrdinalIgnoreCase);
        lock (gate)
        {
            failures.RemoveAll(f => Matches(f.Method));
            delayedFailures.RemoveAll(f => Matches(f.Failure.Method));
        }
    }

    private sealed class DelayedFailure(InjectedFailure failure, int passing, int count)
    {
        public InjectedFailure Failure { get; } = failure;
        public int Passing { get; set; } = passing;
        public int Count { get; set; } = count;
    }

    private readonly List<DelayedFailure> delayedFailures = [];

    private readonly Dictionary<long, (int Code, string Description)> blockedChats = [];

    /// <summary>
    /// Every send to <paramref name="chatId"/> is refused as Telegram refuses a chat that blocked or removed the bot
    /// (403 "Forbidden: bot was blocked by the user" by default) until <see cref="Unblock"/>.
    /// </summary>
    public void Block(long chatId, int errorCode = 403, string description = "Forbidden: bot was blocked by the user")
    {
        lock (gate) blockedChats[chatId] = (errorCode, description);
    }

    private readonly Dictionary<long, long> migratedChats = [];

    /// <summary>
    /// The group <paramref name="from"/> became the supergroup <paramref name="to"/>: every send to the old id gets
    /// Telegram's 400 with <c>parameters.migrate_to_chat_id</c>. With <paramref name="announce"/>, the two service
    /// messages Telegram posts are queued too (<c>migrate_to_chat_id</c> in the old chat, <c>migrate_from_chat_id</c> in the new).
    /// </summary>
    public void Migrate(long from, long to, bool announce = true)
    {
        lock (gate) migratedChats[from] = to;
        if (!announce) return;
        QueueService(new JsonObject { ["id"] = from, ["type"] = "group", ["title"] = "Family" }, "migrate_to_chat_id", to);
        QueueService(new JsonObject { ["id"] = to, ["type"] = "supergroup", ["title"] = "Family" }, "migrate_from_chat_id", from);
    }

    private void QueueService(JsonObject chat, string field, long value)
    {
        lock (gate)
        {
            updates.Add(new JsonObject
            {
                ["update_id"] = nextUpdateId++,
                ["message"] = new JsonObject
                {
                    ["message_id"] = nextMessageId++,
                    ["date"] = clock.GetUtcNow().ToUnixTimeSeconds(),
                    ["chat"] = chat,
                    ["from"] = UserJson(TelegramUser.Alice),
                    [field] = value,
                },
            });
        }
        SignalUpdate();
    }

    /// <summary>The chat takes the bot's messages again.</summary>
    public void Unblock(long chatId)
    {
        lock (gate) blockedChats.Remove(chatId);
    }

    /// <summary>The next request for <paramref name="method"/> gets 429 Too Many Requests with <c>retry_after</c>.</summary>
    public void TooManyRequests(string? method, int retryAfterSeconds) =>
        Fail(method, 1, 429, $"Too Many Requests: retry after {retryAfterSeconds}", retryAfterSeconds);

    /// <summary>Updates queued and not yet confirmed by an offset.</summary>
    public int PendingUpdates
    {
        get { lock (gate) return updates.Count; }
    }

    // ---- HTTP ---------------------------------------------------------------------------------

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if (path.StartsWith("/file/bot", StringComparison.Ordinal))
        {
            await DownloadAsync(http, path["/file/bot".Length..]);
            return;
        }
        var arrived = clock.GetUtcNow();
        if (!path.StartsWith("/bot", StringComparison.Ordinal) || path.IndexOf('/', 4) is var slash && slash < 0)
        {
            await Error(http, "", arrived, new(), 404, "Not Found");
            return;
        }
        var token = path[4..slash];
        var method = path[(slash + 1)..];
        var request = await RequestBody.ReadAsync(http.Request);
        if (token != Token)
        {
            await Error(http, method, arrived, request.Fields, 401, "Unauthorized");
            return;
        }
        InjectedFailure? failure;
        lock (gate)
        {
            failure = failures.FirstOrDefault(f => f.Method is null || string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase));
            if (failure is not null) failures.Remove(failure);
            else if (delayedFailures.FirstOrDefault(f => string.Equals(f.Failure.Method, method, StringComparison.OrdinalIgnoreCase)) is { } delayed)
            {
                if (delayed.Passing > 0) delayed.Passing--;
                else
                {
                    failure = delayed.Failure;
                    if (--delayed.Count <= 0) delayedFailures.Remove(delayed);
                }
            }
        }
        (int Code, string Description)? blocked = null;
        lock (gate)
            if (failure is null && method.StartsWith("send", StringComparison.OrdinalIgnoreCase) && request.ChatId() is { } target
                && blockedChats.TryGetValue(target, out var refusal))
                blocked = refusal;
        if (blocked is { } b)
        {
            await Error(http, method, arrived, request.Fields, b.Code, b.Description);
            return;
        }
        long? movedTo = null;
        lock (gate)
            if (failure is null && method.StartsWith("send", StringComparison.OrdinalIgnoreCase) && request.ChatId() is { } old
                && migratedChats.TryGetValue(old, out var to))
                movedTo = to;
        if (movedTo is { } newId)
        {
            var body = new JsonObject
            {
                ["ok"] = false, ["error_code"] = 400, ["description"] = "Bad Request: group chat was upgraded to a supergroup chat",
                ["parameters"] = new JsonObject { ["migrate_to_chat_id"] = newId },
            };
            await Respond(http, method, arrived, request.Fields, new Reply(400, body));
            return;
        }
        if (failure is not null)
        {
            await Error(http, method, arrived, request.Fields, failure.ErrorCode, failure.Description, failure.RetryAfter);
            return;
        }
        try
        {
            var result = method.ToLowerInvariant() switch
            {
                "getme" => Ok(GetMe()),
                "getupdates" => Ok(await GetUpdatesAsync(request, http.RequestAborted)),
                "sendmessage" => SendMessage(request),
                "sendchataction" => SendChatAction(request),
                "getfile" => GetFile(request),
                "sendphoto" => SendFile(request, "sendPhoto", "photo"),
                "senddocument" => SendFile(request, "sendDocument", "document"),
                "sendvoice" => SendFile(request, "sendVoice", "voice"),
                "sendaudio" => SendFile(request, "sendAudio", "audio"),
                "sendvideo" => SendFile(request, "sendVideo", "video"),
                _ => Refuse(404, "Not Found"),
            };
            await Respond(http, method, arrived, request.Fields, result);
        }
        catch (OperationCanceledException)
        {
            // The client went away or the fake is stopping.
        }
    }

    private sealed record Reply(int Status, JsonObject Body);

    private static Reply Ok(JsonNode? result) => new(200, new JsonObject { ["ok"] = true, ["result"] = result });

    private static Reply Refuse(int code, string description, int? retryAfter = null)
    {
        var body = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
        if (retryAfter is { } seconds) body["parameters"] = new JsonObject { ["retry_after"] = seconds };
        return new Reply(code, body);
    }

    private Task Error(HttpContext http, string method, DateTimeOffset arrived, Dictionary<string, string> fields, int code,
        string description, int? retryAfter = null) =>
        Respond(http, method, arrived, fields, Refuse(code, description, retryAfter));

    private async Task Respond(HttpContext http, string method, DateTimeOffset arrived, Dictionary<string, string> fields, Reply reply)
    {
        // Logged before the answer goes out: whoever has seen the client act on an answer finds its request here.
        Requests.Add(new TelegramRequest(method, arrived, reply.Status, fields));
        http.Response.StatusCode = reply.Status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(reply.Body.ToJsonString());
    }

    private JsonObject GetMe() => new()
    {
        ["id"] = BotId,
        ["is_bot"] = true,
        ["first_name"] = BotFirstName,
        ["username"] = BotUsername,
        ["can_join_groups"] = true,
        ["can_read_all_group_messages"] = false,
        ["supports_inline_queries"] = false,
    };

    private async Task<JsonArray> GetUpdatesAsync(RequestBody request, CancellationToken aborted)
    {
        var offset = request.Long("offset");
        var timeout = request.Long("timeout") ?? 0;
        var limit = (int)Math.Clamp(request.Long("limit") ?? 100, 1, 100);
        using var held = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping.Token);
        held.CancelAfter(TimeSpan.FromSeconds(timeout));
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (offset is { } confirmed and > 0)
                {
                    updates.RemoveAll(u => (long)u["update_id"]! < confirmed);
                    confirmedOffset = Math.Max(confirmedOffset, confirmed);
                }
                if (updates.Count > 0 || timeout <= 0)
                    return new JsonArray(updates.Take(limit).Select(u => (JsonNode)u.DeepClone()).ToArray());
                next = updateQueued.Task;
            }
            HeldPolls.Add(offset ?? 0);
            try
            {
                await next.WaitAsync(held.Token);
            }
            catch (OperationCanceledException) when (!aborted.IsCancellationRequested && !stopping.IsCancellationRequested)
            {
                return []; // the long poll's timeout: an empty result, as Telegram answers
            }
        }
    }

    private Reply SendMessage(RequestBody request)
    {
        if (request.ChatId() is not { } chat) return Refuse(400, "Bad Request: chat not found");
        var text = request.String("text") ?? "";
        var parseMode = request.String("parse_mode");
        var visible = text;
        if (string.Equals(parseMode, "HTML", StringComparison.OrdinalIgnoreCase))
        {
            var parsed = TelegramHtml.Parse(text);
            if (!parsed.Ok) return Refuse(400, parsed.Error!);
            visible = parsed.Text;
        }
        if (visible.Trim().Length == 0) return Refuse(400, "Bad Request: message text is empty");
        if (visible.Length > MaxMessageLength) return Refuse(400, "Bad Request: message is too long");
        var replyTo = request.Object("reply_parameters")?["message_id"]?.GetValue<long>() ?? request.Long("reply_to_message_id");
        var id = NewBotMessage(chat);
        Messages.Add(new SentMessage(chat, id, text, parseMode, replyTo));
        var message = BotMessageJson(chat, id);
        message["text"] = visible;
        return Ok(message);
    }

    private Reply SendChatAction(RequestBody request)
    {
        if (request.ChatId() is not { } chat) return Refuse(400, "Bad Request: chat not found");
        var action = request.String("action");
        if (action is null) return Refuse(400, "Bad Request: action is empty");
        ChatActions.Add(new SentChatAction(chat, action));
        return Ok(true);
    }

    private Reply GetFile(RequestBody request)
    {
        var id = request.String("file_id") ?? "";
        lock (gate)
        {
            if (!files.TryGetValue(id, out var known)) return Refuse(400, "Bad Request: invalid file_id");
            return Ok(new JsonObject
            {
                ["file_id"] = id,
                ["file_unique_id"] = "u" + id,
                ["file_size"] = known.File.Size,
                ["file_path"] = known.Path,
            });
        }
    }

    private Reply SendFile(RequestBody request, string method, string field)
    {
        if (request.ChatId() is not { } chat) return Refuse(400, "Bad Request: chat not found");
        var upload = request.File(field);
        if (upload is null) return Refuse(400, $"Bad Request: there is no {field} in the request");
        var caption = request.String("caption");
        var parseMode = request.String("parse_mode");
        if (caption is not null && string.Equals(parseMode, "HTML", StringComparison.OrdinalIgnoreCase))
        {
            var parsed = TelegramHtml.Parse(caption);
            if (!parsed.Ok) return Refuse(400, parsed.Error!);
            if (parsed.Text.Length > 1024) return Refuse(400, "Bad Request: message caption is too long");
        }
        var id = NewBotMessage(chat);
        Files.Add(new SentFile(method, chat, id, upload.Value.Name, upload.Value.ContentType, upload.Value.Bytes, caption, parseMode));
        var message = BotMessageJson(chat, id);
        var fileId = "sent-" + id.ToString(CultureInfo.InvariantCulture);
        var described = new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = "u" + fileId, ["file_size"] = upload.Value.Bytes.Length };
        if (field == "video")
        {
            // Telegram's Video always carries its size and length.
            described["width"] = 1;
            described["height"] = 1;
            described["duration"] = 1;
        }
        message[field] = field == "photo"
            ? new JsonArray(new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = "u" + fileId, ["width"] = 1, ["height"] = 1 })
            : described;
        if (caption is not null) message["caption"] = caption;
        return Ok(message);
    }

    private async Task DownloadAsync(HttpContext http, string rest)
    {
        var slash = rest.IndexOf('/');
        var token = slash < 0 ? rest : rest[..slash];
        if (token != Token || slash < 0)
        {
            http.Response.StatusCode = 401;
            return;
        }
        var filePath = rest[(slash + 1)..];
        FakeFile? found;
        lock (gate) found = files.Values.FirstOrDefault(f => f.Path == filePath).File;
        if (found is null)
        {
            http.Response.StatusCode = 404;
            return;
        }
        Downloads.Add(filePath);
        http.Response.ContentType = "application/octet-stream";
        await http.Response.Body.WriteAsync(found.Bytes);
    }

    // ---- JSON builders ------------------------------------------------------------------------

    private long NewBotMessage(long chat)
    {
        lock (gate)
        {
            var id = nextMessageId++;
            botMessages.Add((chat, id));
            return id;
        }
    }

    private JsonObject BotMessageJson(long chat, long id) => new()
    {
        ["message_id"] = id,
        ["date"] = clock.GetUtcNow().ToUnixTimeSeconds(),
        ["chat"] = new JsonObject { ["id"] = chat, ["type"] = chat < 0 ? "supergroup" : "private" },
        ["from"] = new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = BotFirstName, ["username"] = BotUsername },
    };

    // Called under the gate.
    private JsonObject MessageJson(IncomingMessage m, long messageId)
    {
        var type = m.ChatType ?? (m.ChatId < 0 ? "supergroup" : "private");
        var chat = new JsonObject { ["id"] = m.ChatId, ["type"] = type };
        if (type == "private")
        {
            chat["first_name"] = m.From.FirstName;
            if (m.From.Username is { } u) chat["username"] = u;
        }
        else
        {
            chat["title"] = m.ChatTitle ?? "Group " + m.ChatId.ToString(CultureInfo.InvariantCulture);
        }
        var json = new JsonObject
        {
            ["message_id"] = messageId,
            ["date"] = m.Date ?? clock.GetUtcNow().ToUnixTimeSeconds(),
            ["chat"] = chat,
            ["from"] = UserJson(m.From),
        };
        if (m.Text is { } text)
        {
            json["text"] = text;
            if (MentionEntities(text, m.NoMentionEntity) is { Count: > 0 } entities) json["entities"] = entities;
        }
        if (m.Caption is { } caption)
        {
            json["caption"] = caption;
            if (MentionEntities(caption, m.NoMentionEntity) is { Count: > 0 } entities) json["caption_entities"] = entities;
        }
        if (m.ReplyToMessageId is { } replied)
        {
            var byBot = botMessages.Contains((m.ChatId, replied));
            json["reply_to_message"] = new JsonObject
            {
                ["message_id"] = replied,
                ["date"] = clock.GetUtcNow().ToUnixTimeSeconds(),
                ["chat"] = chat.DeepClone(),
                ["from"] = byBot
                    ? new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = BotFirstName, ["username"] = BotUsername }
                    : UserJson(TelegramUser.Bob),
                ["text"] = "earlier message",
            };
        }
        if (m.Photo is { } photo)
        {
            // Telegram sends several sizes, smallest first; the thumbnail is a different, smaller file.
            var thumb = new FakeFile(photo.Bytes.Take(Math.Max(1, photo.Bytes.Length / 4)).ToArray(), "thumb.jpg", photo.MimeType);
            json["photo"] = new JsonArray(PhotoSize(thumb, 90, 90), PhotoSize(photo, 1280, 960));
        }
        if (m.Document is { } document)
        {
            var d = Register(document, "documents");
            d["file_name"] = document.FileName;
            d["mime_type"] = document.MimeType;
            json["document"] = d;
        }
        if (m.Voice is { } voice)
        {
            var v = Register(voice, "voice");
            v["duration"] = voice.Duration;
            v["mime_type"] = voice.MimeType;
            json["voice"] = v;
        }
        if (m.Audio is { } audio)
        {
            var a = Register(audio, "music");
            a["duration"] = audio.Duration;
            a["mime_type"] = audio.MimeType;
            a["file_name"] = audio.FileName;
            json["audio"] = a;
        }
        return json;
    }

    private JsonObject PhotoSize(FakeFile file, int width, int height)
    {
        var size = Register(file, "photos");
        size["width"] = width;
        size["height"] = height;
        return size;
    }

    // Called under the gate.
    private JsonObject Register(FakeFile file, string folder)
    {
        var id = "AgAC" + (nextFileId++).ToString(CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..8];
        var extension = System.IO.Path.GetExtension(file.FileName);
        var path = file.ServerPath ?? $"{folder}/file_{nextFileId}{(extension.Length > 0 ? extension : "")}";
        files[id] = (file, path);
        return new JsonObject { ["file_id"] = id, ["file_unique_id"] = "u" + id, ["file_size"] = file.Size };
    }

    private JsonArray? MentionEntities(string text, bool none)
    {
        if (none) return null;
        var entities = new JsonArray();
        var handle = "@" + BotUsername;
        for (var at = text.IndexOf(handle, StringComparison.OrdinalIgnoreCase); at >= 0;
             at = text.IndexOf(handle, at + handle.Length, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + handle.Length;
            if (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_')) continue;
            entities.Add(new JsonObject { ["type"] = "mention", ["offset"] = at, ["length"] = handle.Length });
        }
        return entities;
    }

    private static JsonObject UserJson(TelegramUser user)
    {
        var json = new JsonObject { ["id"] = user.Id, ["is_bot"] = user.IsBot, ["first_name"] = user.FirstName };
        if (user.LastName is { } last) json["last_name"] = last;
        if (user.Username is { } name) json["username"] = name;
        return json;
    }

    private void SignalUpdate()
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            wake = updateQueued;
            updateQueued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.TrySetResult();
    }

    private int disposed;

    /// <summary>Stops the server (a test may stop it early to play an outage); a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        await stopping.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        stopping.Dispose();
    }
}
