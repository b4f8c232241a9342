using System.Reactive.Linq;
using LanguageExt;
using NanoClaw.Core.Channels;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Pipeline;
using NanoClaw.Core.Routing;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.Containers;
using NanoClaw.Shell.CredentialProxy;
using NanoClaw.Shell.Ingest;
using NanoClaw.Shell.Ipc;
using NanoClaw.Shell.LocalChat;
using NanoClaw.Shell.Scheduling;
using NanoClaw.Shell.Security;
using NanoClaw.Shell.Store;
using NanoClaw.Shell.WhatsApp;
using NanoClaw.Shell.WhatsApp.Outbox;
using NanoClaw.Shell.WhatsApp.Sidecar;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// <c>nanoclaw run</c>: wires the shell around the core's pipeline. Boot order: store (migrated), credential-less
/// parts, container runtime detected, channels and the pipeline; the runtime is waited for (never a crash loop) and
/// orphans stopped meanwhile, and container starts wait for both (Daemon/README.md). Stops on SIGTERM/SIGINT.
/// </summary>
public static class DaemonHost
{
    public const int ExitNoRuntime = 6;

    /// <param name="runtime">The runtime's detection and <c>info</c>, already under way (Cli/RunCommand starts it beside the
    /// first-run checks); null starts it here.</param>
    public static async Task<int> RunAsync(ShellContext context, CancellationToken cancel, RuntimeBringUp? runtime = null)
    {
        var options = context.Options;
        var log = context.Log;
        var clock = TimeProvider.System;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        log.Information("NanoClaw starting in {Root} (assistant {Name}, zone {Zone})", context.ProjectRoot, options.Assistant.Name, options.TimeZone);

        // `cancel` carries SIGTERM/SIGINT (Cli/RunCommand registers StopSignals before the config is even read).
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        runtime ??= StartRuntime(options, log, clock, stopping.Token);

        var store = context.OpenStore();
        Security.PrivateFiles.CreateDirectory(options.Paths.DataDir);
        Security.PrivateFiles.Secure(options, context.ProjectRoot, log);
        Directory.CreateDirectory(Path.Combine(options.Paths.GroupsDir, GroupFolder.Main));
        Directory.CreateDirectory(Path.Combine(options.Paths.GroupsDir, GroupFolder.Global));
        Security.PrivateFiles.MakeReadableByContainers(Path.Combine(options.Paths.GroupsDir, GroupFolder.Global), log);
        EnsureMainGroup(store, options, clock, log);

        // Channels first, so the user can talk even while the runtime is still coming up.
        var channels = new List<IChannel>();
        WhatsAppChannel? whatsapp = null;
        if (options.Channels.LocalChat)
            channels.Add(new LocalChatChannel(Path.Combine(options.Paths.DataDir, "chat.sock"), clock, log, jid => store.Groups.Get(jid).IsSome));
        if (options.Channels.WhatsApp)
        {
            var sidecar = SidecarFor(context);
            if (sidecar.MissingPieces() is { } missing)
            {
                await Console.Error.WriteLineAsync($"nanoclaw: {missing}\n  install it with: {SidecarOptions.InstallCommand}\n  or run without WhatsApp: channels.whatsapp: false in config.yml");
                return WhatsAppExitCodes.SidecarUnavailable;
            }
            whatsapp = new WhatsAppChannel(sidecar, options.Assistant, new StoreOutbox(store, clock), new StoreGroupSyncState(store), clock, log)
            {
                // No main group yet: the account's own chat becomes main; the store signal makes the pipeline reload groups.
                OwnPhoneJid = own =>
                {
                    if (Setup.OwnChatAsMain.Register(store, own, options.Paths.GroupsDir, options.Assistant.Name, zone, clock.GetUtcNow(), log).IsSome)
                        Setup.StoreChangeSignal.Touch(options.Paths.DataDir);
                },
                // Inbound media lands in data/media/<folder>, mounted read-only into that group's container.
                Media = new WhatsAppMedia(Path.Combine(options.Paths.DataDir, "media"), options.Media.MaxFileBytes,
                    options.Media.MaxBytesPerGroupPerDay,
                    () => store.Groups.All().ToDictionary(g => g.Jid, g => g.Folder)),
                // Voice notes are transcribed before the agent runs when media.transcription_url is set.
                Transcriber = TranscriberFor(context),
            };
            channels.Add(whatsapp);
        }
        if (options.Channels.Telegram.Enabled)
        {
            // Long polling in the background: a bad token or an unreachable API is logged and retried, never fatal,
            // so WhatsApp and the local chat keep working (`nanoclaw doctor` says what is wrong with Telegram).
            if (context.Credentials.TelegramBotToken.Case is string telegramToken)
                channels.Add(new Telegram.TelegramChannel(options.Channels.Telegram, telegramToken, new StoreOutbox(store, clock),
                    new Telegram.StoreTelegramOffset(store), clock, log)
                {
                    // Same rules and folder as WhatsApp media (Shell/Media/InboundMediaStore), downloaded by the daemon.
                    Media = new NanoClaw.Shell.Media.InboundMediaStore(new NanoClaw.Shell.Media.InboundMediaSettings(
                        Path.Combine(options.Paths.DataDir, "media"), options.Media.MaxFileBytes, options.Media.MaxBytesPerGroupPerDay,
                        () => store.Groups.All().ToDictionary(g => g.Jid, g => g.Folder)), clock),
                    Transcriber = TranscriberFor(context),
                    SendProgress = new Telegram.StoreTelegramSendProgress(store),
                });
            else
                log.Warning("channels.telegram is on but credentials.yml has no telegram_bot_token: Telegram stays off; set it with: nanoclaw auth telegram --token <token>");
        }

        if ((await runtime.Detected).Case is not ContainerRuntime rt)
        {
            if (stopping.IsCancellationRequested) return 0;
            await Console.Error.WriteLineAsync($"nanoclaw: no container runtime answers ({options.Container.Runtime}); install Podman or Docker (`nanoclaw doctor` tells how)");
            return ExitNoRuntime;
        }

        // The servers start beside the rest of the start-up and stop together (Daemon/README.md, "Start and stop").
        await using var servers = new ServerSet();

        // Credential proxy (SPEC §7): each run gets its own socket and run token instead of the real credentials.
        // The proxy counts each answer's tokens on the host (unforgeable by the agent): stored per run, and a metric.
        // It needs only the detected runtime's CLI, so it is set up while the runtime comes up and orphans stop; its
        // Kestrel + YARP server starts with the first container (lazy: never loaded by a daemon that runs no agent).
        var proxyUsage = new Usage.UsageRecorder(store, clock, log);
        Telemetry.NanoClawMetrics? proxyMetrics = null;
        var proxyStart = Task.Run(() => ContainerCredentials.StartAsync(options, context.Credentials, rt.Cli, log, stopping.Token, (container, tokens) =>
        {
            proxyUsage.ProxyCounted(container, tokens);
            proxyMetrics?.Tokens(Core.Containers.ContainerNaming.Parse(container).Map(p => p.Folder).IfNone("unknown"), Telemetry.NanoClawMetrics.SourceProxy,
                tokens.InputTokens, tokens.OutputTokens, tokens.CacheCreationInputTokens, tokens.CacheReadInputTokens);
        }, lazy: true));
        servers.Adopt(proxyStart.ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.Case as IAsyncDisposable : null, TaskScheduler.Default));
        // The runtime is waited for (up to 3 minutes) and this installation's orphans stop while the pipeline is built and
        // the channels connect: messages are taken and stored meanwhile, and container starts wait for it
        // (DecisionPerformer.RuntimeReady). A runtime that never comes up still ends the daemon with exit 6.
        var runtimeReady = Task.Run(() => runtime.ReadyAsync(rt, options.Paths.DataDir, stopping.Token));

        var credentialsFor = await proxyStart;
        if (credentialsFor.Case is string proxyError)
        {
            await Console.Error.WriteLineAsync($"nanoclaw: credential proxy: {proxyError}");
            return ContainerCredentials.ExitProxyUnavailable;
        }
        var containerCredentials = (ContainerCredentials)credentialsFor.Case!;

        var runner = new ContainerRunner(rt, ContainerRunnerOptions.From(options, context.ProjectRoot), context.Redactor.Redact, log, clock)
        {
            CredentialsFor = containerCredentials.ForRun,
        };

        var outbound = new OutboundRouter(channels, log);
        using var loop = new EventLoop();
        // Metrics (issue 19): instruments always, an exporter only with telemetry.otlp_endpoint (Telemetry/README.md).
        using var metrics = new Telemetry.NanoClawMetrics(clock, () => loop.Current?.Queue.Waiting.Count ?? 0, () => loop.Current?.Queue.Running.Count ?? 0);
        using var metricsExport = Telemetry.MetricsExport.Start(options.Telemetry, log);
        proxyMetrics = metrics;
        DueTaskTimer? timer = null;
        void TasksChanged() => timer?.Rearm();
        var performer = new DecisionPerformer(store, runner, outbound, loop.Post, clock, zone,
            () => LanguageExt.Map<string, string>.Empty, TasksChanged, log)
        {
            AssistantName = options.Assistant.Name,
            Metrics = metrics,
            RuntimeReady = runtimeReady,
        };
        void GroupsChanged()
        {
            loop.Post(new PipelineEvent.GroupsChanged(GroupsByJid(store)));
            if (whatsapp is not null) _ = whatsapp.RefreshMediaAsync(CancellationToken.None);
        }

        // Sender allowlist (SPEC §5): drop mode at ingest, trigger mode in the router; re-read when the file changes.
        using var allowlist = new SenderAllowlistWatcher(SenderAllowlistLoader.DefaultPath, log, clock);
        allowlist.Changed += policy => loop.Post(new PipelineEvent.AllowlistChanged(policy));
        var routerConfig = RouterConfig.Create(options.Assistant, zone, allowlist.Current) with { IdleTimeout = TimeSpan.FromMilliseconds(options.Timing.IdleTimeoutMs) };
        var initial = RouterState.Initial(routerConfig, options.Container.MaxConcurrent, StartupRecovery.AgentCursors(store));
        loop.Start(initial, performer.Perform, e => log.Error(e, "Pipeline error"));
        using var idleTrim = Memory.IdleMemoryTrimmer.Start(clock, log); // gives idle garbage back (issue 16)
        GroupsChanged();

        // `nanoclaw status` asks here; the view is computed by the core from the router's last state.
        Core.Status.DaemonStatus CurrentStatus() => Core.Status.StatusView.From(loop.Current ?? initial,
            channels.Select(c => new Core.Status.ChannelStatus(c.Name, c.IsConnected)).ToSeq(), performer.Containers(),
            store.Tasks.ListAll(), store.Usage.LastErrors().Map(e => new Core.Status.GroupErrorStatus(e.GroupFolder, e.StartedAt, e.Error.IfNone(e.Outcome))));
        // The dashboard (127.0.0.1 only) shows the same status facts, live: every fold wakes its event streams. Its port
        // is bound and recorded now; its Kestrel starts with the first connection (Dashboard/LazyDashboard).
        var dashboard = Dashboard.DashboardServer.TryStart(options.Dashboard,
            new Dashboard.DashboardSources(store, CurrentStatus, zone, clock, options.Tasks,
                ContainerRunnerOptions.From(options, context.ProjectRoot).RunLogsDir, () => { GroupsChanged(); TasksChanged(); }),
            options.Paths.StoreDir, log);
        if (dashboard is not null)
        {
            servers.Add(dashboard);
            loop.Folded += dashboard.Notify;
            performer.ContainersChanged += dashboard.Notify;
        }

        // Inbound: stored first, then fed to the pipeline.
        // A one-time code (`nanoclaw auth telegram`) sent from an unregistered private chat of any channel pairs it.
        var pairing = new Pairing.PairingGate(store, new Pairing.PairingCodeFile(options.Paths.StoreDir), options.Paths.GroupsDir,
            options.Assistant.Name, zone, clock, log)
        {
            Registered = _ => GroupsChanged(),
            Reply = (jid, text) => { if (OutboundRules.Prepare(text, options.Assistant).Case is string t) _ = outbound.SendAsync(jid, t); },
        };
        using var ingest = new InboundIngest(new StoreIngest(store, clock), log, () => allowlist.Current) { Unregistered = pairing.Offer, GroupMoved = _ => GroupsChanged() };
        var attachments = channels.Select(ingest.Attach).ToList();
        using var inbound = ingest.Stored.Subscribe(m =>
        {
            if (!m.IsBotMessage) metrics.MessageReceived(channels.Find(c => c.OwnsJid(m.ChatJid))?.Name ?? "other", m.ChatJid);
            loop.Post(new PipelineEvent.MessageStored(m));
        });
        var trigger = new TriggerMatcher(options.Assistant.Name);
        using var denials = ingest.Stored.Where(m => !allowlist.Current.MayTrigger(m))
            .Subscribe(m => store.Groups.Get(m.ChatJid).IfSome(g => AllowlistDenials.CheckTrigger(log, allowlist.Current, loop.Current?.TriggerOf(m.ChatJid) ?? trigger, g, m)));

        // Startup recovery: anything after an agent cursor is handed to the pipeline again, each group's as one batch.
        loop.Post(new PipelineEvent.MessagesStored(StartupRecovery.Pending(store, initial.AgentCursors)));

        // Safety poll of the store (the pipeline ignores what it has already seen).
        var lastSeen = store.RouterState.LastTimestamp();
        using var poll = Observable.Interval(TimeSpan.FromMilliseconds(options.Timing.PollIntervalMs)).Subscribe(_ =>
        {
            try
            {
                var (messages, cursor) = store.Messages.NewMessages(store.Groups.All().Map(g => g.Jid), lastSeen);
                if (!messages.IsEmpty) loop.Post(new PipelineEvent.MessagesStored(messages));
                if (cursor != lastSeen) store.RouterState.SetLastTimestamp(lastSeen = cursor);
            }
            catch (Exception e)
            {
                log.Warning("Store safety poll failed: {Error}", e.Message);
            }
        });

        var ipcHandler = new IpcRequestHandler(store, outbound, clock, zone, options.Paths.GroupsDir,
            text => OutboundRules.Prepare(text, options.Assistant), GroupsChanged, TasksChanged,
            () => whatsapp is null ? Task.CompletedTask : whatsapp.SyncGroupsAsync(stopping.Token), log) { TaskLimits = options.Tasks, DataDir = options.Paths.DataDir, MaxSendBytes = options.MediaMaxSendMb * 1024L * 1024 };
        using var ipc = new IpcWatcher(Path.Combine(options.Paths.DataDir, "ipc"), ipcHandler.HandleAsync,
            TimeSpan.FromMilliseconds(options.Timing.IpcPollIntervalMs), log);

        timer = new DueTaskTimer(clock, () => store.Tasks.Active().ToList(), task => loop.Post(new PipelineEvent.TaskDue(task)),
            TimeSpan.FromMilliseconds(options.Timing.SchedulerPollIntervalMs), log);
        timer.Rearm();
        // `nanoclaw groups …` / `tasks …` changed the store from outside: reload groups and re-arm the task timer.
        using var commandChanges = Setup.StoreChangeSignal.Watch(options.Paths.DataDir, () => { GroupsChanged(); TasksChanged(); }, log);

        // One channel failing to connect must not keep the others down: each is connected on its own, failures logged.
        await Task.WhenAll(channels.Select(async channel =>
        {
            try
            {
                await channel.ConnectAsync(stopping.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.Error("Connecting {Channel} failed: {Error}; the other channels run on", channel.Name, e.Message);
            }
        }));
        servers.Add(Control.ControlServer.Start(Path.Combine(options.Paths.DataDir, Control.ControlServer.FileName),
            () => Control.StatusJson.Render(CurrentStatus()), log));
        log.Information("NanoClaw running: {Channels}; {Groups} groups; runtime {Runtime}",
            string.Join(", ", channels.Select(c => c.Name)), store.Groups.All().Count, rt.Executable);

        var exitCode = 0;
        var terminated = whatsapp?.Terminated ?? new TaskCompletionSource<WhatsAppTermination>().Task;
        var stopped = Task.Delay(Timeout.Infinite, stopping.Token);
        var runtimeDown = runtimeReady.ContinueWith(t => t.IsCompletedSuccessfully && !t.Result ? Task.CompletedTask : Task.Delay(Timeout.Infinite, stopping.Token),
            TaskScheduler.Default).Unwrap();
        var first = await Task.WhenAny(terminated, stopped, runtimeDown);
        if (first == terminated)
        {
            var termination = await terminated;
            await Console.Error.WriteLineAsync($"nanoclaw: {termination.Message}");
            exitCode = termination.ExitCode;
        }
        else if (first == runtimeDown && !stopping.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"nanoclaw: the container runtime {rt.Executable} did not come up within 3 minutes");
            exitCode = ExitNoRuntime;
        }

        // Shutdown: stop intake, let running work settle briefly, flush, close.
        log.Information("NanoClaw stopping");
        loop.Post(new PipelineEvent.Shutdown());
        timer.Dispose();
        performer.BeginShutdown();
        foreach (var a in attachments) a.Dispose();
        await loop.DrainAsync().WaitAsync(TimeSpan.FromSeconds(5));
        // Channels and servers close side by side: neither needs the other any more (issue 16: stop time).
        await Task.WhenAll(channels.Select(async channel =>
        {
            try
            {
                await channel.DisconnectAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e)
            {
                log.Warning("Disconnecting {Channel} failed: {Error}", channel.Name, e.Message);
            }
        }).Append(servers.DisposeAsync().AsTask()));
        log.Information("NanoClaw stopped; {Running} containers left to finish on their own", performer.RunningCount);
        return exitCode;
    }

    /// <summary>The runtime's detection and <c>info</c> in the background; NANOCLAW_CONTAINER_EXECUTABLE points the chosen
    /// runtime at another program (a wrapper, or a test double).</summary>
    public static RuntimeBringUp StartRuntime(Core.Config.NanoClawOptions options, ILogger log, TimeProvider clock, CancellationToken ct) =>
        RuntimeBringUp.Start(options.Container.Runtime, Environment.GetEnvironmentVariable("NANOCLAW_CONTAINER_EXECUTABLE"), log, clock, ct);

    /// <summary>
    /// The voice-note transcriber when media.transcription_url is set. Its own method so that the daemon's start does
    /// not load System.Net.Http when transcription is off (issue 16: assemblies at idle).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static NanoClaw.Shell.Media.VoiceTranscriber? TranscriberFor(ShellContext context) =>
        context.Options.Media.TranscriptionUrl.Length == 0 ? null
            : new NanoClaw.Shell.Media.VoiceTranscriber(new HttpClient(), context.Options.Media.TranscriptionUrl, context.Options.Media.TranscriptionModel,
                context.Credentials.TranscriptionApiKey, context.Log);

    private static Map<string, RegisteredGroup> GroupsByJid(NanoClawStore store)
    {
        var groups = store.Groups.All();
        // Two keys make this map compare them: the daemon's first default-trait use, where LanguageExt would scan every
        // assembly (~45 MB, issue 16). One group compares nothing, and then installing would only cost start-up time.
        if (groups.Count > 1) LanguageExtSupport.ClassInstanceRegistry.Install();
        return toMap(groups.Map(g => (g.Jid, g)));
    }

    /// <summary>The WhatsApp sidecar; tests point NANOCLAW_SIDECAR_DIR/NANOCLAW_SIDECAR_SCRIPT at a fake one.</summary>
    private static SidecarOptions SidecarFor(ShellContext context)
    {
        var standard = SidecarOptions.ForProject(context.ProjectRoot, Path.Combine(context.Options.Paths.StoreDir, "auth"));
        var dir = Environment.GetEnvironmentVariable("NANOCLAW_SIDECAR_DIR");
        var script = Environment.GetEnvironmentVariable("NANOCLAW_SIDECAR_SCRIPT");
        return string.IsNullOrEmpty(dir) ? standard : standard with { Directory = dir, EntryScript = script ?? standard.EntryScript };
    }

    /// <summary>
    /// Without WhatsApp there is no self-chat to become main; the local chat <c>local:main</c> is registered as the
    /// main group so a fresh headless install works at once, unless a Telegram pairing code is waiting to choose it.
    /// </summary>
    private static void EnsureMainGroup(NanoClawStore store, Core.Config.NanoClawOptions options, TimeProvider clock, ILogger log)
    {
        if (options.Channels.WhatsApp || !options.Channels.LocalChat || store.Groups.All().Exists(g => g.IsMain)) return;
        // A Telegram pairing code is waiting: the chat that sends it is to become main, not the local chat.
        if (options.Channels.Telegram.Enabled &&
            new Pairing.PairingCodeFile(options.Paths.StoreDir).Read().Exists(p => p.ExpiresAt > clock.GetUtcNow())) return;
        var main = new RegisteredGroup(LocalChatFrame.JidFor(GroupFolder.Main), "Main", GroupFolder.Main,
            "@" + options.Assistant.Name, IsoTimestamp.From(clock.GetUtcNow()), None, false, true);
        store.Groups.Upsert(main);
        log.Information("Registered the local chat {Jid} as the main group", main.Jid);
    }
}
