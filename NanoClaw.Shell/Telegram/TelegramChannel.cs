using System.Reactive.Subjects;
using System.Threading.Channels;
using NanoClaw.Core.Channels;
using NanoClaw.Core.Config;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Formatting;
using NanoClaw.Core.Media;
using NanoClaw.Shell.Media;
using NanoClaw.Core.Routing;
using NanoClaw.Shell.WhatsApp.Outbox;
using Polly;
using Polly.Retry;
using Serilog;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Chat = NanoClaw.Core.Domain.Chat;
using TgMessage = Telegram.Bot.Types.Message;

namespace NanoClaw.Shell.Telegram;

/// <summary>Where the channel keeps its getUpdates offset (the store's <c>router_state</c> in the daemon).</summary>
public interface ITelegramOffsetStore
{
    long? Load();
    void Save(long offset);
}

/// <summary>
/// Telegram through the Bot API (Telegram.Bot), by long polling: getUpdates with the persisted offset, each update
/// handed to <see cref="Messages"/> (whose subscriber stores it synchronously) before the offset past it is saved, so
/// a restart neither loses nor repeats an update. Media of registered groups is downloaded first
/// (<see cref="Media"/>). Errors are retried by a Polly pipeline (a 429 waits its <c>retry_after</c>, otherwise an
/// exponential back-off with jitter from <see cref="FirstBackoff"/> to <see cref="MaxBackoff"/>, never giving up), so
/// other channels are never affected. Outbound text and files go through the shared durable outbox (rows for
/// <c>tg:</c> chats); text is converted to Telegram HTML and split at 4096, each part sent once
/// (<see cref="SendProgress"/>).
/// </summary>
public sealed class TelegramChannel : IChannel, IFileChannel, IChatMigrations, IAsyncDisposable
{
    private readonly TelegramOptions options;
    private readonly string token;
    private readonly IOutbox outbox;
    private readonly ITelegramOffsetStore offsets;
    private readonly TimeProvider clock;
    private readonly ILogger log;
    private readonly TelegramBotClient bot;
    private readonly Subject<ChatMessage> messages = new();
    private readonly Subject<Chat> chats = new();
    private readonly Subject<ChatMigrated> migrations = new();
    private readonly Channel<bool> flushSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock gate = new();
    private CancellationTokenSource? lifetime;
    private Task? poller;
    private Task? flusher;
    private volatile bool connected;
    private long botId;
    private string botUsername = "";

    public TelegramChannel(TelegramOptions options, string token, IOutbox outbox, ITelegramOffsetStore offsets, TimeProvider clock, ILogger log)
    {
        this.options = options;
        this.token = token;
        this.outbox = outbox;
        this.offsets = offsets;
        this.clock = clock;
        this.log = log.ForContext("Channel", TelegramMapping.ChannelName);
        // Telegram.Bot's own 429 retry is off: the channel honours retry_after itself, for polling and sending alike.
        var baseUrl = options.ApiBaseUrl.TrimEnd('/') == TelegramOptions.OfficialApiBaseUrl ? null : options.ApiBaseUrl;
        bot = new TelegramBotClient(new TelegramBotClientOptions(token, baseUrl) { RetryCount = 0 });
    }

    /// <summary>Longest wait between attempts after repeated failures.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Wait after the first failure (doubles with each further one).</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where inbound media of registered groups is downloaded; null: media is recorded as not downloaded.</summary>
    public InboundMediaStore? Media { get; init; }

    /// <summary>Transcribes downloaded voice notes before the message is handed on; null: not transcribed.</summary>
    public VoiceTranscriber? Transcriber { get; init; }

    /// <summary>How many parts of each outbox row were accepted (durable in the daemon), so a retry never repeats one.</summary>
    public ITelegramSendProgress SendProgress { get; init; } = new MemorySendProgress();

    public string Name => TelegramMapping.ChannelName;
    public bool OwnsJid(string jid) => ChannelRouting.IsTelegram(jid);
    public bool IsConnected => connected;
    public IObservable<ChatMessage> Messages => messages;
    public IObservable<Chat> ChatMetadata => chats;
    public IObservable<ChatMigrated> Migrations => migrations;

    /// <summary>The bot's username once getMe answered.</summary>
    public string BotUsername => Volatile.Read(ref botUsername);

    /// <summary>Starts polling and the outbox worker; returns at once (a bad token or a down server is retried in the background).</summary>
    public Task ConnectAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (poller is { IsCompleted: false }) return Task.CompletedTask;
            lifetime = new CancellationTokenSource();
            var stop = lifetime.Token;
            poller = Task.Run(() => PollLoopAsync(stop));
            flusher = Task.Run(() => FlushLoopAsync(stop));
        }
        return Task.CompletedTask;
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        CancellationTokenSource? stopping;
        Task? polling, flushing;
        lock (gate)
        {
            stopping = lifetime;
            polling = poller;
            flushing = flusher;
            lifetime = null;
        }
        if (stopping is null) return;
        await stopping.CancelAsync();
        connected = false;
        foreach (var task in new[] { polling, flushing })
            if (task is not null)
                try { await task; } catch (OperationCanceledException) { }
        stopping.Dispose();
    }

    public Task SendAsync(string jid, string text, CancellationToken cancellationToken)
    {
        if (!OwnsJid(jid)) throw new ArgumentException($"{jid} is not a Telegram chat", nameof(jid));
        outbox.Enqueue(jid, text);
        flushSignal.Writer.TryWrite(true);
        return Task.CompletedTask;
    }

    public Task SendFileAsync(string jid, OutgoingFile file, CancellationToken cancellationToken)
    {
        if (!OwnsJid(jid)) throw new ArgumentException($"{jid} is not a Telegram chat", nameof(jid));
        outbox.EnqueueFile(jid, file.Caption.IfNone(""), new Store.OutboxFile(file.HostPath, file.Mime, file.Kind.ToString().ToLowerInvariant(), file.FileName));
        flushSignal.Writer.TryWrite(true);
        return Task.CompletedTask;
    }

    public async Task SetTypingAsync(string jid, bool typing, CancellationToken cancellationToken)
    {
        // Telegram's typing indicator lasts about five seconds and cannot be cleared; only "on" is sent.
        if (!typing || !connected || ChannelRouting.TelegramChatId(jid) is not { } chat) return;
        try
        {
            await bot.SendChatAction(chat, ChatAction.Typing, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.Debug("Telegram typing indicator failed: {Error}", Scrub(e.Message));
        }
    }

    private string Scrub(string? text) => TokenScrubber.Scrub(text, token);

    // ---- retries --------------------------------------------------------------------------------

    // One policy for polling and sending: Telegram's retry_after on a 429, otherwise exponential with jitter from
    // FirstBackoff to MaxBackoff; never gives up; waits through the clock, so FakeTimeProvider drives it in tests.
    private ResiliencePipeline Retry(string what, Action<Exception?, TimeSpan> onRetry) =>
        new ResiliencePipelineBuilder { TimeProvider = clock }.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = FirstBackoff,
            MaxDelay = MaxBackoff,
            MaxRetryAttempts = int.MaxValue,
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception)),
            OnRetry = args =>
            {
                onRetry(args.Outcome.Exception, args.RetryDelay);
                return default;
            },
            Name = what,
        }).Build();

    /// <summary>A 429's <c>retry_after</c> when Telegram gives one; null lets the exponential back-off decide.</summary>
    internal static TimeSpan? RetryAfter(Exception? e) =>
        e is ApiRequestException { Parameters.RetryAfter: { } seconds and > 0 } ? TimeSpan.FromSeconds(seconds) : null;

    // ---- polling ------------------------------------------------------------------------------

    private async Task PollLoopAsync(CancellationToken stop)
    {
        var retry = Retry("telegram-poll", (e, delay) =>
        {
            connected = false;
            log.Warning("Telegram polling failed ({Error}); retrying in {Delay}", Scrub(e?.Message), delay);
        });
        try
        {
            while (!stop.IsCancellationRequested)
                await retry.ExecuteAsync(PollOnceAsync, stop);
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Stopping (Telegram.Bot may wrap the cancellation in a RequestException).
        }
    }

    private async ValueTask PollOnceAsync(CancellationToken stop)
    {
        if (botId == 0)
        {
            var me = await bot.GetMe(stop);
            botId = me.Id;
            Volatile.Write(ref botUsername, me.Username ?? "");
            log.Information("Telegram connected as @{Username}", me.Username);
        }
        connected = true;
        flushSignal.Writer.TryWrite(true);
        var updates = await bot.GetUpdates((int?)offsets.Load(), 100, options.PollTimeoutSeconds, cancellationToken: stop);
        foreach (var update in updates)
        {
            if (update.Message is { } m)
            {
                chats.OnNext(TelegramMapping.ToChat(m));
                // A move is a service message: no message to store, a move to follow.
                if (TelegramMapping.MigrationOf(m).Case is ChatMigrated move)
                {
                    Moved(move);
                    offsets.Save(update.Id + 1);
                    continue;
                }
                foreach (var message in TelegramMapping.ToChatMessage(m, botId, BotUsername))
                    messages.OnNext(await WithMediaAsync(m, message, stop));
            }
            // Stored (the subscriber stores synchronously): only now is the update confirmed.
            offsets.Save(update.Id + 1);
        }
    }

    /// <summary>A chat moved: its pending rows are re-addressed here (whatever is registered), then the move is told on.</summary>
    private void Moved(ChatMigrated move)
    {
        if (!OwnsJid(move.From) || !OwnsJid(move.To) || move.From == move.To) return;
        outbox.Readdress(move.From, move.To);
        log.Information("Telegram chat {From} is now {To}", move.From, move.To);
        migrations.OnNext(move);
        flushSignal.Writer.TryWrite(true);
    }

    // ---- inbound media ------------------------------------------------------------------------

    /// <summary>The message with its file as an attachment: downloaded for a registered group, else with the reason it is not.</summary>
    private async Task<ChatMessage> WithMediaAsync(TgMessage m, ChatMessage message, CancellationToken stop)
    {
        if (TelegramMedia.FileOf(m, Media?.Settings.MaxFileBytes ?? long.MaxValue).Case is not TelegramFile file) return message;
        Attachment attachment;
        var folder = Media is { } store ? store.FolderOf(message.ChatJid) : LanguageExt.Option<string>.None;
        if (Media is not { } media || folder.Case is not string f)
        {
            // Never fetched: only registered groups' media is downloaded.
            attachment = InboundMediaStore.NotDownloaded(file.Media, InboundMedia.NotRegistered);
        }
        else
        {
            attachment = await media.SaveAsync(f, file.Media, (into, ct) => DownloadAsync(file.FileId, into, ct), Scrub, stop);
            if (attachment.Reason.Case is string reason) log.Information("Telegram media of {Jid} not downloaded: {Reason}", message.ChatJid, reason);
        }
        var with = message with { Attachments = LanguageExt.Prelude.toSeq(new[] { attachment }).Strict() };
        if (Transcriber is not { } transcriber || Media is not { } m2 || folder.Case is not string dir) return with;
        try
        {
            return await transcriber.TranscribeAsync(with, m2.DirectoryOf(dir), m2.Settings.MaxFileBytes, stop);
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            // Never lose the message over its transcript.
            log.Warning("Voice note not transcribed: {Error}", Scrub(e.Message));
            return with;
        }
    }

    // getFile, then the file URL (which holds the token: errors are scrubbed by the caller).
    private async Task DownloadAsync(string fileId, Stream into, CancellationToken ct)
    {
        var info = await bot.GetFile(fileId, ct);
        if (!TelegramMedia.IsFetchablePath(info.FilePath)) throw new InvalidDataException("the server gave an unusable file path");
        await bot.DownloadFile(info.FilePath!, into, ct);
    }

    // ---- outbox -------------------------------------------------------------------------------

    private async Task FlushLoopAsync(CancellationToken stop)
    {
        var retry = Retry("telegram-send", (e, delay) =>
            log.Warning("Telegram send failed ({Error}); it stays queued, retrying in {Delay}", Scrub(e?.Message), delay));
        try
        {
            await foreach (var _ in flushSignal.Reader.ReadAllAsync(stop))
                await retry.ExecuteAsync(FlushAsync, stop);
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Stopping; whatever is left stays queued for the next start.
        }
    }

    /// <summary>
    /// Sends every pending Telegram row, oldest first. A failure holds back the rest of that chat (order within a chat
    /// is kept) but not other chats; then it throws, so the retry policy waits and runs the pass again.
    /// </summary>
    private async ValueTask FlushAsync(CancellationToken stop)
    {
        var moves = 0;
        while (connected && !stop.IsCancellationRequested)
        {
            var pending = outbox.Pending().Where(item => OwnsJid(item.Jid)).ToList();
            if (pending.Count == 0) return;
            var blocked = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
            Exception? failure = null;
            var readdressed = false;
            foreach (var item in pending)
            {
                if (!connected) return;
                if (blocked.Contains(item.Jid)) continue;
                try
                {
                    await SendItemAsync(item, stop);
                    outbox.MarkSent(item.Id);
                    SendProgress.Forget(item.Id);
                    if (item.File is { } sent) DeleteCopy(sent.Path);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    throw;
                }
                catch (ApiRequestException e) when (e.Parameters?.MigrateToChatId is { } to)
                {
                    // The group became a supergroup: its rows (this one included, from the part it reached) go to the
                    // new id, and so does its registration. The next pass re-reads the rows under their new chat.
                    Moved(new ChatMigrated(item.Jid, TelegramMapping.Jid(to)));
                    readdressed = true;
                    break;
                }
                catch (Exception e) when (TelegramSendErrors.IsPermanent(e))
                {
                    // Waiting will not change Telegram's answer: the row is moved aside (kept, with the reason) and
                    // the chat's later rows go on; each is tried, so they get through once the cause is gone.
                    var reason = Scrub(e.Message);
                    outbox.GiveUp(item.Id, reason);
                    SendProgress.Forget(item.Id);
                    log.Error("Telegram will not deliver outbox row {Id} to {Jid} ({Reason}); moved aside, later messages go on", item.Id, item.Jid, reason);
                }
                catch (Exception e)
                {
                    outbox.RecordFailure(item.Id, Scrub(e.Message));
                    blocked.Add(item.Jid);
                    // The longest retry_after wins: waiting less would only meet another 429.
                    if (failure is null || (RetryAfter(e) ?? TimeSpan.Zero) > (RetryAfter(failure) ?? TimeSpan.Zero)) failure = e;
                }
            }
            // A server answering "moved" back and forth would spin here: a few moves per pass, then the back-off.
            if (readdressed && ++moves > MaxMovesPerPass) throw new InvalidOperationException($"Telegram moved chats {moves} times in one pass");
            if (readdressed) continue;
            if (failure is not null) throw failure;
            // Loop: rows queued while this pass ran go out now, in order.
        }
    }

    private const int MaxMovesPerPass = 3;

    /// <summary>Sends one row from the first part not yet accepted; each accepted part is recorded before the next.</summary>
    private async Task SendItemAsync(WhatsApp.Outbox.OutboxItem item, CancellationToken stop)
    {
        var chat = ChannelRouting.TelegramChatId(item.Jid)!.Value;
        var done = SendProgress.Sent(item.Id);
        if (item.File is not { } file)
        {
            var parts = TelegramFormatting.ToMessages(item.Text);
            for (var i = done; i < parts.Count; i++)
            {
                await bot.SendMessage(chat, parts[i], ParseMode.Html, cancellationToken: stop);
                SendProgress.Record(item.Id, i + 1);
            }
            return;
        }
        if (!System.IO.File.Exists(file.Path))
        {
            // Nothing can ever send it: moved aside rather than blocking the chat for good.
            throw new UndeliverableRowException($"the file to send is gone ({file.Name})");
        }
        // A caption Telegram would refuse (over 1024 characters) follows the file as text instead.
        var caption = TelegramFormatting.ToHtml(item.Text);
        var captionFits = TelegramFormatting.VisibleText(caption).Length <= MaxCaptionLength;
        if (done == 0)
        {
            await SendFileAsync(chat, file, captionFits && caption.Length > 0 ? caption : null, stop);
            SendProgress.Record(item.Id, done = 1);
        }
        if (captionFits) return;
        var rest = TelegramFormatting.ToMessages(item.Text);
        for (var i = done - 1; i < rest.Count; i++)
        {
            await bot.SendMessage(chat, rest[i], ParseMode.Html, cancellationToken: stop);
            SendProgress.Record(item.Id, i + 2);
        }
    }

    /// <summary>Telegram's limit on a caption, in visible characters.</summary>
    public const int MaxCaptionLength = 1024;

    private async Task SendFileAsync(long chat, Store.OutboxFile file, string? caption, CancellationToken stop)
    {
        await using var stream = System.IO.File.OpenRead(file.Path);
        var input = InputFile.FromStream(stream, file.Name);
        var mode = caption is null ? default : ParseMode.Html;
        switch (TelegramMedia.SendMethodOf(file.Kind, file.Mime))
        {
            case TelegramSendMethod.Photo:
                await bot.SendPhoto(chat, input, caption, mode, cancellationToken: stop);
                break;
            case TelegramSendMethod.Voice:
                await bot.SendVoice(chat, input, caption, mode, cancellationToken: stop);
                break;
            case TelegramSendMethod.Audio:
                await bot.SendAudio(chat, input, caption, mode, cancellationToken: stop);
                break;
            case TelegramSendMethod.Video:
                await bot.SendVideo(chat, input, caption, mode, cancellationToken: stop);
                break;
            default:
                await bot.SendDocument(chat, input, caption, mode, cancellationToken: stop);
                break;
        }
    }

    // The copy lives in the host-owned data/outbox-files/ (no agent can reach it): a plain delete is safe.
    private void DeleteCopy(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (IOException e)
        {
            log.Warning("Could not delete the sent file's copy {Path}: {Error}", path, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync(CancellationToken.None);
        messages.OnCompleted();
        chats.OnCompleted();
        migrations.OnCompleted();
        messages.Dispose();
        chats.Dispose();
        migrations.Dispose();
    }
}

/// <summary>The offset in the store's <c>router_state</c> table (key <c>telegram_update_offset</c>).</summary>
public sealed class StoreTelegramOffset(Store.NanoClawStore store) : ITelegramOffsetStore
{
    public const string Key = "telegram_update_offset";

    public long? Load() =>
        store.RouterState.Get(Key).Case is string s && long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;

    public void Save(long offset) => store.RouterState.Set(Key, offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
