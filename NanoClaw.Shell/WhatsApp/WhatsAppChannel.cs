using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reactive.Subjects;
using System.Threading.Channels;
using NanoClaw.Core.Channels;
using NanoClaw.Core.Config;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Formatting;
using NanoClaw.Core.Routing;
using NanoClaw.Shell.WhatsApp.Outbox;
using NanoClaw.Shell.WhatsApp.Protocol;
using NanoClaw.Shell.WhatsApp.Sidecar;
using Serilog;
using LogEventLevel = Serilog.Events.LogEventLevel;

namespace NanoClaw.Shell.WhatsApp;

/// <summary>
/// WhatsApp through the Baileys sidecar. Supervises exactly one sidecar process at a time (restarted
/// with backoff when it dies), reconnects unless logged out, and sends only from the durable outbox:
/// <see cref="SendAsync"/> queues, a single flush worker delivers in order per chat and removes a
/// message only when the sidecar confirms it.
/// </summary>
/// <remarks>
/// Text is sent as given: the <c>Andy: </c> prefix is applied by the caller (<see cref="OutboundRules.Prepare"/>),
/// as <see cref="IChannel.SendAsync"/> documents. Inbound messages are flagged as the bot's with
/// <see cref="BotMessageRules.IsBotMessage"/>.
/// </remarks>
public sealed class WhatsAppChannel : IChannel, IFileChannel, IAsyncDisposable
{
    private readonly SidecarOptions options;
    private readonly AssistantOptions assistant;
    private readonly IOutbox outbox;
    private readonly IGroupSyncState groupSync;
    private readonly WhatsAppTiming timing;
    private readonly TimeProvider clock;
    private readonly ILogger log;

    // Created once per channel: reconnects and sidecar restarts never add subscriptions.
    private readonly Subject<ChatMessage> messages = new();
    private readonly Subject<Chat> chats = new();
    private readonly TaskCompletionSource<WhatsAppTermination> terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<SendResultEvent>> inflight = new();
    private readonly Channel<bool> flushSignal = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock gate = new();

    private CancellationTokenSource? lifetime;
    private Task? supervisor;
    private Task? flusher;
    private SidecarProcess? current;
    private volatile bool connected;
    private volatile bool groupSyncRequested;
    private volatile bool wasOpened;
    private int reconnectAttempt;
    private int starts;
    private int disposed;

    public WhatsAppChannel(
        SidecarOptions options,
        AssistantOptions assistant,
        IOutbox outbox,
        IGroupSyncState groupSync,
        TimeProvider clock,
        ILogger log,
        WhatsAppTiming? timing = null)
    {
        this.options = options;
        this.assistant = assistant;
        this.outbox = outbox;
        this.groupSync = groupSync;
        this.clock = clock;
        this.log = log.ForContext("Channel", InboundMapping.ChannelName);
        this.timing = timing ?? WhatsAppTiming.Default;
    }

    /// <summary>Called with the linked account's phone JID (its own chat) each time the sidecar reports it.</summary>
    public Action<string>? OwnPhoneJid { get; init; }

    /// <summary>Inbound media: where the sidecar downloads and for which chats. Null: nothing is downloaded.</summary>
    public WhatsAppMedia? Media { get; init; }

    /// <summary>Transcribes voice notes before a message is handed on; null: voice notes stay untranscribed.</summary>
    public NanoClaw.Shell.Media.VoiceTranscriber? Transcriber { get; init; }

    // With a transcriber, inbound messages pass through this chain one at a time, so a slow transcription never
    // reorders a chat nor holds up the sidecar's other events (send results).
    private Task inboundChain = Task.CompletedTask;

    public string Name => InboundMapping.ChannelName;

    public bool OwnsJid(string jid) => ChannelRouting.IsWhatsApp(jid);

    public bool IsConnected => connected;

    public IObservable<ChatMessage> Messages => messages;

    public IObservable<Chat> ChatMetadata => chats;

    /// <summary>Completes when the channel has stopped for good (not linked, logged out, sidecar unavailable).</summary>
    public Task<WhatsAppTermination> Terminated => terminated.Task;

    /// <summary>How many sidecar processes this channel has started (diagnostics and tests).</summary>
    public int SidecarStarts => Volatile.Read(ref starts);

    /// <summary>The running sidecar's process id, if one runs.</summary>
    public int? SidecarProcessId
    {
        get
        {
            lock (gate) return current?.Id;
        }
    }

    /// <summary>
    /// Starts the sidecar and asks it to connect; returns once it runs. The connection itself opens
    /// later (<see cref="IsConnected"/>); until then sends wait durably in the outbox.
    /// </summary>
    /// <exception cref="WhatsAppUnavailableException">Node or the sidecar's packages are missing.</exception>
    public Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (terminated.Task.IsCompleted) throw new WhatsAppUnavailableException(terminated.Task.Result);
        lock (gate)
        {
            if (supervisor is { IsCompleted: false }) return Task.CompletedTask; // never two sidecars
            if (options.MissingPieces() is { } missing)
            {
                var termination = WhatsAppTermination.Unavailable(missing);
                terminated.TrySetResult(termination);
                throw new WhatsAppUnavailableException(termination);
            }
            lifetime = new CancellationTokenSource();
            var token = lifetime.Token; // captured: a disconnect clears the field before these tasks may run
            supervisor = Task.Run(() => SuperviseAsync(token));
            flusher = Task.Run(() => FlushLoopAsync(token));
        }
        return Task.CompletedTask;
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        CancellationTokenSource? stopping;
        Task? supervising, flushing;
        SidecarProcess? process;
        lock (gate)
        {
            stopping = lifetime;
            supervising = supervisor;
            flushing = flusher;
            process = current;
            lifetime = null;
        }
        if (stopping is null) return;
        await stopping.CancelAsync();
        connected = false;
        if (process is not null) await process.StopAsync(timing.StopGrace);
        await IgnoreCancellation(supervising);
        await IgnoreCancellation(flushing);
        FailInflight("channel disconnected");
    }

    /// <summary>Queues the text durably and wakes the flush worker; delivery is confirmed by the outbox row going away.</summary>
    public Task SendAsync(string jid, string text, CancellationToken cancellationToken)
    {
        if (!OwnsJid(jid)) throw new ArgumentException($"{jid} is not a WhatsApp chat", nameof(jid));
        outbox.Enqueue(jid, text);
        SignalFlush();
        return Task.CompletedTask;
    }

    /// <summary>Queues a file (its host-owned copy) durably with its caption, like text; the copy is deleted once sent.</summary>
    public Task SendFileAsync(string jid, OutgoingFile file, CancellationToken cancellationToken)
    {
        if (!OwnsJid(jid)) throw new ArgumentException($"{jid} is not a WhatsApp chat", nameof(jid));
        outbox.EnqueueFile(jid, file.Caption.IfNone(""), new Store.OutboxFile(file.HostPath, file.Mime, KindName(file.Kind), file.FileName));
        SignalFlush();
        return Task.CompletedTask;
    }

    private static string KindName(NanoClaw.Core.Media.MediaKind kind) => kind.ToString().ToLowerInvariant();

    public async Task SetTypingAsync(string jid, bool typing, CancellationToken cancellationToken)
    {
        var process = Current();
        if (connected && process is not null) await process.WriteAsync(SidecarCommand.Typing(jid, typing), cancellationToken);
    }

    /// <summary>Refreshes group names now if connected (or on the next connect), ignoring the 24 h cache.</summary>
    public async Task SyncGroupsAsync(CancellationToken cancellationToken)
    {
        groupSyncRequested = true;
        var process = Current();
        if (connected && process is not null) await SyncGroupsIfDueAsync(process);
    }

    private void Deliver(ChatMessage message, CancellationToken token)
    {
        if (Transcriber is not { } transcriber || Media is not { } media)
        {
            messages.OnNext(message);
            return;
        }
        lock (gate)
        {
            inboundChain = inboundChain.ContinueWith(async _ =>
            {
                var delivered = message;
                try
                {
                    if (media.Groups().TryGetValue(message.ChatJid, out var folder)
                        && Core.Groups.GroupFolder.ResolveUnder(media.Dir, folder).ToOption().Case is string dir)
                        delivered = await transcriber.TranscribeAsync(message, dir, media.MaxFileBytes, token);
                }
                catch (Exception e)
                {
                    // Never lose the message over its transcript (shutting down included).
                    log.Warning("Voice note not transcribed: {Error}", e.Message);
                }
                messages.OnNext(delivered);
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>Tells the running sidecar the registered groups again (after one was registered or removed).</summary>
    public async Task RefreshMediaAsync(CancellationToken cancellationToken)
    {
        if (Current() is { } process) await SendMediaAsync(process, cancellationToken);
    }

    private async Task SendMediaAsync(SidecarProcess process, CancellationToken cancellationToken)
    {
        if (Media is not { } media) return;
        IReadOnlyDictionary<string, string> groups;
        try
        {
            groups = media.Groups();
        }
        catch (Exception e)
        {
            log.Warning("Media: could not read the registered groups ({Error}); media stays off until the next refresh", e.Message);
            return;
        }
        await process.WriteAsync(SidecarCommand.Media(media.Dir, groups, media.MaxFileBytes, media.MaxBytesPerGroupPerDay), cancellationToken);
    }

    private SidecarProcess? Current()
    {
        lock (gate) return current;
    }

    // ---- supervision -------------------------------------------------------------------------

    private async Task SuperviseAsync(CancellationToken token)
    {
        var attempt = 0;
        while (!token.IsCancellationRequested && !terminated.Task.IsCompleted)
        {
            if (options.MissingPieces() is { } missing)
            {
                Terminate(WhatsAppTermination.Unavailable(missing));
                return;
            }
            SidecarProcess process;
            try
            {
                process = SidecarProcess.Start(options, log, (sender, e) => OnEventAsync(sender, e, token));
            }
            catch (Win32Exception e)
            {
                Terminate(WhatsAppTermination.Unavailable($"could not run {options.NodePath} ({e.Message}); install Node.js 20 or newer"));
                return;
            }
            lock (gate) current = process;
            Interlocked.Increment(ref starts);
            log.Information("WhatsApp sidecar started (pid {Pid})", process.Id);

            // Stopping (disconnect, logout) may race with this start: whoever cancels, this process ends.
            int exitCode;
            using (token.Register(() => _ = process.StopAsync(timing.StopGrace)))
                exitCode = await process.Exited;
            lock (gate) current = null;
            connected = false;
            FailInflight("the sidecar exited");
            await process.DisposeAsync();
            if (token.IsCancellationRequested || terminated.Task.IsCompleted) return;

            // A run that reached "open" resets the backoff; one that keeps dying waits longer each time.
            if (wasOpened) attempt = 0;
            wasOpened = false;
            var delay = timing.Backoff(attempt++);
            log.Warning("WhatsApp sidecar exited with code {Code}; restarting in {Delay}", exitCode, delay);
            try
            {
                await Task.Delay(delay, clock, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task OnEventAsync(SidecarProcess process, SidecarEvent e, CancellationToken token)
    {
        switch (e)
        {
            case ReadyEvent:
                await SendMediaAsync(process, token);
                await process.WriteAsync(SidecarCommand.Connect(options.AuthDir, link: false));
                break;
            case ConnectionEvent { State: ConnectionEvent.Open }:
                connected = true;
                wasOpened = true;
                Volatile.Write(ref reconnectAttempt, 0);
                log.Information("WhatsApp connected");
                SignalFlush();
                await SyncGroupsIfDueAsync(process);
                break;
            case ConnectionEvent { State: ConnectionEvent.Close } close:
                OnClose(process, close, token);
                break;
            case ConnectionEvent:
                break;
            case MessageEvent m:
                Deliver(InboundMapping.ToChatMessage(m.Message, assistant), token);
                break;
            case ChatEvent c:
                chats.OnNext(InboundMapping.ToChat(c));
                break;
            case GroupsEvent g:
                foreach (var group in g.List) chats.OnNext(InboundMapping.ToChat(group));
                groupSync.MarkSynced(clock.GetUtcNow());
                log.Information("WhatsApp group names synced ({Count} groups)", g.List.Count);
                break;
            case SendResultEvent result:
                if (inflight.TryRemove(result.Id, out var waiter)) waiter.TrySetResult(result);
                break;
            case OwnIdsEvent ids:
                log.Information("WhatsApp linked as {Phone}", ids.PhoneJid);
                if (ids.PhoneJid is { } own) OwnPhoneJid?.Invoke(own);
                break;
            case LogEvent l:
                log.Write(LevelOf(l.Level), "WhatsApp sidecar: {Message}", l.Msg);
                break;
            case ErrorEvent err:
                log.Warning("WhatsApp sidecar error: {Message}", err.Msg);
                if (err.Id is { } id && inflight.TryRemove(id, out var failed))
                    failed.TrySetResult(new SendResultEvent(id, false, err.Msg, null));
                break;
            case QrEvent or PairingCodeEvent:
                // The daemon never links; the sidecar reports not_linked instead. Ignore stray codes.
                break;
            case UnknownEvent u:
                log.Debug("WhatsApp sidecar sent an unknown event type {Type}", u.Type);
                break;
        }
    }

    private void OnClose(SidecarProcess process, ConnectionEvent close, CancellationToken token)
    {
        connected = false;
        FailInflight("the connection closed");
        if (close.LoggedOut)
        {
            var termination = close.Reason == ConnectionEvent.NotLinkedReason
                ? WhatsAppTermination.NotLinked()
                : WhatsAppTermination.LoggedOut();
            log.Error("{Message}", termination.Message);
            Terminate(termination); // cancels the lifetime, which stops this sidecar
            return;
        }
        var attempt = Interlocked.Increment(ref reconnectAttempt) - 1;
        var delay = timing.Backoff(attempt);
        log.Warning("WhatsApp connection closed ({Reason}); reconnecting in {Delay}", close.Reason, delay);
        _ = ReconnectLaterAsync(process, delay, token);
    }

    private async Task ReconnectLaterAsync(SidecarProcess process, TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, clock, token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        // Only the sidecar that closed is asked again; a restarted one connects on its own "ready".
        if (!connected && ReferenceEquals(Current(), process) && !terminated.Task.IsCompleted)
            await process.WriteAsync(SidecarCommand.Connect(options.AuthDir, link: false));
    }

    private void Terminate(WhatsAppTermination termination)
    {
        if (terminated.TrySetResult(termination)) lifetime?.Cancel();
    }

    private async Task SyncGroupsIfDueAsync(SidecarProcess process)
    {
        var forced = groupSyncRequested;
        if (!GroupSyncRule.IsDue(groupSync.LastSync(), clock.GetUtcNow(), timing.GroupSyncInterval, forced)) return;
        groupSyncRequested = false;
        await process.WriteAsync(SidecarCommand.SyncGroups());
    }

    // ---- outbox ------------------------------------------------------------------------------

    private void SignalFlush() => flushSignal.Writer.TryWrite(true);

    private async Task FlushLoopAsync(CancellationToken token)
    {
        SignalFlush(); // whatever a previous run left behind
        try
        {
            await foreach (var _ in flushSignal.Reader.ReadAllAsync(token))
                await FlushAsync(token);
        }
        catch (OperationCanceledException)
        {
            // Disconnecting.
        }
    }

    /// <summary>
    /// Sends every pending message, oldest first. A failure holds back the rest of that chat (order
    /// within a chat is kept) but not other chats; the failed chat is retried after a delay.
    /// </summary>
    private async Task FlushAsync(CancellationToken token)
    {
        while (connected && !token.IsCancellationRequested)
        {
            var pending = outbox.Pending().Where(item => OwnsJid(item.Jid)).ToList();
            var blocked = new HashSet<string>(StringComparer.Ordinal);
            var sentAny = false;
            foreach (var item in pending)
            {
                if (!connected || token.IsCancellationRequested) return;
                if (blocked.Contains(item.Jid)) continue;
                var result = await SendOneAsync(item, token);
                if (result.Ok)
                {
                    outbox.MarkSent(item.Id);
                    if (item.File is { } sentFile) DeleteCopy(sentFile.Path);
                    sentAny = true;
                }
                else
                {
                    outbox.RecordFailure(item.Id, result.Error ?? "unknown error");
                    log.Warning("WhatsApp send to {Jid} failed ({Error}); it stays queued", item.Jid, result.Error);
                    blocked.Add(item.Jid);
                }
            }
            if (blocked.Count > 0)
            {
                _ = RetryLaterAsync(token);
                return;
            }
            if (!sentAny) return;
            // Loop: messages queued while this pass ran go out now, in order.
        }
    }

    private async Task RetryLaterAsync(CancellationToken token)
    {
        try
        {
            await Task.Delay(timing.RetryDelay, clock, token);
            SignalFlush();
        }
        catch (OperationCanceledException)
        {
            // Disconnecting; the next connect flushes.
        }
    }

    private async Task<SendResultEvent> SendOneAsync(OutboxItem item, CancellationToken token)
    {
        var process = Current();
        var id = item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (process is null) return new SendResultEvent(id, false, "the sidecar is not running", null);
        var waiter = new TaskCompletionSource<SendResultEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        inflight[id] = waiter;
        // The outbox keeps what the agent wrote; WhatsApp gets its own formatting, converted at the last moment.
        var text = item.Text.Length == 0 ? "" : WhatsAppFormatting.ConvertOutbound(item.Text, assistant);
        var line = item.File is { } file
            ? SidecarCommand.SendFile(id, item.Jid, file.Path, file.Mime, file.Kind, file.Name, text.Length == 0 ? null : text)
            : SidecarCommand.Send(id, item.Jid, text);
        if (!await process.WriteAsync(line, token))
        {
            inflight.TryRemove(id, out _);
            return new SendResultEvent(id, false, "the sidecar is not running", null);
        }
        try
        {
            return await waiter.Task.WaitAsync(timing.SendTimeout, clock, token);
        }
        catch (TimeoutException)
        {
            inflight.TryRemove(id, out _);
            return new SendResultEvent(id, false, $"no confirmation within {timing.SendTimeout}", null);
        }
    }

    // The copy lives in the host-owned data/outbox-files/ (no agent can reach it): a plain delete is safe.
    private void DeleteCopy(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            log.Warning("Could not delete the sent file's copy {Path}: {Error}", path, e.Message);
        }
    }

    private void FailInflight(string reason)
    {
        foreach (var id in inflight.Keys)
            if (inflight.TryRemove(id, out var waiter))
                waiter.TrySetResult(new SendResultEvent(id, false, reason, null));
    }

    private static LogEventLevel LevelOf(string level) => level switch
    {
        "trace" => LogEventLevel.Verbose,
        "debug" => LogEventLevel.Debug,
        "info" => LogEventLevel.Information,
        "warn" => LogEventLevel.Warning,
        _ => LogEventLevel.Error,
    };

    private static async Task IgnoreCancellation(Task? task)
    {
        if (task is null) return;
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // Expected when stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        await DisconnectAsync(CancellationToken.None);
        messages.OnCompleted();
        chats.OnCompleted();
        messages.Dispose();
        chats.Dispose();
    }
}

/// <summary>Inbound media settings of the channel.</summary>
/// <param name="Dir">Absolute folder the sidecar downloads into (<c>data/media</c>); one subfolder per group folder.</param>
/// <param name="MaxFileBytes">Largest file downloaded.</param>
/// <param name="MaxBytesPerGroupPerDay">Most bytes downloaded per group per UTC day.</param>
/// <param name="Groups">The registered chats now: JID → group folder.</param>
public sealed record WhatsAppMedia(string Dir, long MaxFileBytes, long MaxBytesPerGroupPerDay, Func<IReadOnlyDictionary<string, string>> Groups);

/// <summary>The channel cannot run; the message says what to do and <see cref="Termination"/> carries the exit code.</summary>
public sealed class WhatsAppUnavailableException(WhatsAppTermination termination) : Exception(termination.Message)
{
    public WhatsAppTermination Termination { get; } = termination;
}
