using System.Reactive.Subjects;
using System.Threading.Channels;
using NanoClaw.Core.Channels;
using NanoClaw.Core.Config;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Formatting;
using NanoClaw.Core.Routing;
using NanoClaw.Shell.WhatsApp.Outbox;
using Serilog;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.Enums;
using Chat = NanoClaw.Core.Domain.Chat;

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
/// a restart neither loses nor repeats an update. Errors back off (doubling to a minute) and a 429 waits its
/// <c>retry_after</c>; the loop never ends on an error, so other channels are never affected. Outbound text goes
/// through the shared durable outbox (rows for <c>tg:</c> chats), converted to Telegram HTML and split at 4096.
/// </summary>
public sealed class TelegramChannel : IChannel, IAsyncDisposable
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

    public string Name => TelegramMapping.ChannelName;
    public bool OwnsJid(string jid) => ChannelRouting.IsTelegram(jid);
    public bool IsConnected => connected;
    public IObservable<ChatMessage> Messages => messages;
    public IObservable<Chat> ChatMetadata => chats;

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

    // ---- polling ------------------------------------------------------------------------------

    private async Task PollLoopAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
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
                failures = 0;
                foreach (var update in updates)
                {
                    if (update.Message is { } m)
                    {
                        chats.OnNext(TelegramMapping.ToChat(m));
                        foreach (var message in TelegramMapping.ToChatMessage(m, botId, BotUsername)) messages.OnNext(message);
                    }
                    // Stored (the subscriber stores synchronously): only now is the update confirmed.
                    offsets.Save(update.Id + 1);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                connected = false;
                var delay = DelayAfter(e, failures++);
                log.Warning("Telegram polling failed ({Error}); retrying in {Delay}", Scrub(e.Message), delay);
                try
                {
                    await Task.Delay(delay, clock, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>A 429's <c>retry_after</c> when Telegram gives one, else a doubling back-off capped at <see cref="MaxBackoff"/>.</summary>
    private TimeSpan DelayAfter(Exception e, int failures)
    {
        if (e is ApiRequestException { Parameters.RetryAfter: { } seconds and > 0 }) return TimeSpan.FromSeconds(seconds);
        var doubled = FirstBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 16));
        return TimeSpan.FromMilliseconds(Math.Min(doubled, MaxBackoff.TotalMilliseconds));
    }

    // ---- outbox -------------------------------------------------------------------------------

    private async Task FlushLoopAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var _ in flushSignal.Reader.ReadAllAsync(stop))
                await FlushAsync(stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task FlushAsync(CancellationToken stop)
    {
        var failures = 0;
        while (connected && !stop.IsCancellationRequested)
        {
            var pending = outbox.Pending().Where(item => OwnsJid(item.Jid) && item.File is null).ToList();
            if (pending.Count == 0) return;
            var item = pending[0];
            try
            {
                var chat = ChannelRouting.TelegramChatId(item.Jid)!.Value;
                foreach (var html in TelegramFormatting.ToMessages(item.Text))
                    await bot.SendMessage(chat, html, ParseMode.Html, cancellationToken: stop);
                outbox.MarkSent(item.Id);
                failures = 0;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var error = Scrub(e.Message);
                outbox.RecordFailure(item.Id, error);
                var delay = DelayAfter(e, failures++);
                log.Warning("Telegram send to {Jid} failed ({Error}); it stays queued, retrying in {Delay}", item.Jid, error, delay);
                await Task.Delay(delay, clock, stop);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync(CancellationToken.None);
        messages.OnCompleted();
        chats.OnCompleted();
        messages.Dispose();
        chats.Dispose();
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
