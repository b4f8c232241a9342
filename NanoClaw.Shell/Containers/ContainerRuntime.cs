using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Core.Containers;
using Polly;
using Polly.Retry;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Containers;

/// <summary>
/// One container CLI (Apple Container, Docker or Podman): checks it is up, stops and kills containers, and finds
/// orphans. The argument lists come from <see cref="RuntimeCommand"/>; this class only runs them.
/// </summary>
public sealed class ContainerRuntime
{
    private static readonly TimeSpan ShortCall = TimeSpan.FromSeconds(30);
    private readonly ILogger log;
    private readonly TimeProvider time;

    /// <param name="cli">Which CLI dialect to speak.</param>
    /// <param name="executable">The program to run (normally <see cref="RuntimeCommand.Executable"/>; tests pass a fake).</param>
    public ContainerRuntime(ContainerCli cli, string executable, ILogger log, TimeProvider time)
    {
        Cli = cli;
        Executable = executable;
        this.log = log.ForContext<ContainerRuntime>();
        this.time = time;
    }

    /// <summary>The CLI dialect.</summary>
    public ContainerCli Cli { get; }

    /// <summary>The program run for every call.</summary>
    public string Executable { get; }

    /// <summary>
    /// Picks the runtime: the configured one, or for <c>auto</c> the first whose CLI answers its status call; when none
    /// answers (a runtime still booting), the first whose program exists, so <see cref="EnsureRunningAsync"/> can wait for it.
    /// </summary>
    /// <param name="executableFor">Program per CLI (defaults to the CLI's name on PATH).</param>
    public static async Task<Option<ContainerRuntime>> DetectAsync(ContainerRuntimeKind kind, ILogger log, TimeProvider time,
        Func<ContainerCli, string>? executableFor = null, CancellationToken ct = default)
    {
        executableFor ??= RuntimeCommand.Executable;
        var candidates = RuntimeCommand.Candidates(kind).Map(c => new ContainerRuntime(c, executableFor(c), log, time));
        if (candidates.Count == 1) return candidates.Head;
        foreach (var c in candidates)
            if ((await c.InfoAsync(ct)).Ok) return c;
        foreach (var c in candidates)
            if ((await ProcessRunner.RunAsync(c.Executable, ["--version"], ShortCall, ct)).ExitCode != -1) return c;
        return None;
    }

    /// <summary>Asks the runtime whether it is up (<c>info</c>, or <c>system status</c> on Apple).</summary>
    public Task<CliResult> InfoAsync(CancellationToken ct = default) =>
        ProcessRunner.RunAsync(Executable, RuntimeCommand.Info(Cli), ShortCall, ct);

    /// <summary>
    /// Makes sure the runtime answers, starting Apple's system service when needed, retrying with exponential backoff
    /// for up to <paramref name="maxWait"/> (at boot the runtime may come up late). Logs each failed attempt; never throws.
    /// </summary>
    /// <param name="firstInfo">The answer of an <c>info</c> call already under way (Daemon/RuntimeBringUp): it stands for
    /// the first attempt's call, so a runtime that is up is asked once; null asks now.</param>
    /// <returns>True when the runtime is up; false after giving up (the daemon keeps running and reports it).</returns>
    public async Task<bool> EnsureRunningAsync(TimeSpan maxWait, CancellationToken ct = default, TimeSpan? firstDelay = null,
        Task<CliResult>? firstInfo = null)
    {
        var started = time.GetTimestamp();
        var attempt = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var timer = time.CreateTimer(_ => { try { deadline.Cancel(); } catch (ObjectDisposedException) { } }, null, maxWait, Timeout.InfiniteTimeSpan);
        async ValueTask<CliResult> AttemptAsync(CancellationToken token)
        {
            attempt++;
            var info = attempt == 1 && firstInfo is not null ? await firstInfo.WaitAsync(token) : await InfoAsync(token);
            if (info.Ok || Cli != ContainerCli.Apple) return info;
            var start = RuntimeCommand.StartService(Cli).IfNone(Seq<string>());
            log.Information("Starting the Apple Container system service ({Executable} {Args})", Executable, string.Join(' ', start));
            await ProcessRunner.RunAsync(Executable, start, TimeSpan.FromMinutes(2), token);
            return await InfoAsync(token);
        }
        try
        {
            // The usual start: the runtime answers the first call, and the retry pipeline (Polly) is never built or loaded.
            var result = await AttemptAsync(deadline.Token);
            if (!result.Ok)
                result = await RetryAsync(result, AttemptAsync, started, maxWait, firstDelay ?? TimeSpan.FromSeconds(1), deadline.Token);
            if (result.Ok) log.Information("Container runtime {Cli} is up (attempt {Attempt})", Cli, attempt);
            return result.Ok;
        }
        catch (OperationCanceledException)
        {
            if (!ct.IsCancellationRequested)
                log.Error("Container runtime {Cli} did not come up within {Max:0}s after {Attempt} attempts; containers cannot run until it does", Cli, maxWait.TotalSeconds, attempt);
            return false;
        }
    }

    /// <summary>
    /// Retries <paramref name="attemptAsync"/> with exponential backoff after a failed first attempt. Its own method so
    /// that a start whose runtime answers at once does not load Polly (issue 16: assemblies at idle).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private async Task<CliResult> RetryAsync(CliResult failed, Func<CancellationToken, ValueTask<CliResult>> attemptAsync, long started,
        TimeSpan maxWait, TimeSpan firstDelay, CancellationToken deadline)
    {
        // The pipeline's first execution hands back the failed first attempt, so its first retry waits firstDelay and
        // logs "attempt 1" exactly as if the pipeline had made that attempt itself.
        CliResult? replay = failed;
        var pipeline = new ResiliencePipelineBuilder<CliResult>
        {
            TimeProvider = time,
        }.AddRetry(new RetryStrategyOptions<CliResult>
        {
            ShouldHandle = new PredicateBuilder<CliResult>().HandleResult(r => !r.Ok),
            BackoffType = DelayBackoffType.Exponential,
            Delay = firstDelay,
            MaxDelay = TimeSpan.FromSeconds(30),
            MaxRetryAttempts = int.MaxValue,
            UseJitter = false,
            OnRetry = args =>
            {
                var elapsed = time.GetElapsedTime(started);
                log.Warning("Container runtime {Cli} not ready (attempt {Attempt}, {Elapsed:0}s of {Max:0}s): {Reason}; retrying in {Delay:0.#}s",
                    Cli, args.AttemptNumber + 1, elapsed.TotalSeconds, maxWait.TotalSeconds, args.Outcome.Result?.Reason, args.RetryDelay.TotalSeconds);
                return default;
            },
        }).Build();
        return await pipeline.ExecuteAsync(token =>
        {
            if (replay is { } first)
            {
                replay = null;
                return ValueTask.FromResult(first);
            }
            return attemptAsync(token);
        }, deadline);
    }

    /// <summary>Names of running <c>nanoclaw-*</c> containers.</summary>
    public async Task<Seq<string>> ListOrphansAsync(CancellationToken ct = default)
    {
        var r = await ProcessRunner.RunAsync(Executable, RuntimeCommand.ListRunning(Cli), ShortCall, ct);
        if (!r.Ok) log.Warning("Could not list containers with {Executable}: {Reason}", Executable, r.Reason);
        return r.Ok ? ContainerNaming.ParseOrphans(Cli, r.StandardOutput) : Seq<string>();
    }

    /// <summary>Stops every running <c>nanoclaw-*</c> container (left over from an earlier run of the daemon).</summary>
    /// <param name="grace">Graceful stop time per container.</param>
    /// <param name="only">Narrows the set (tests on a shared machine); the daemon passes none and stops them all.</param>
    /// <param name="ct">Cancels the clean-up.</param>
    /// <returns>The names it stopped.</returns>
    public async Task<Seq<string>> StopOrphansAsync(TimeSpan grace, Func<string, bool>? only = null, CancellationToken ct = default)
    {
        var orphans = (await ListOrphansAsync(ct)).Filter(only ?? (_ => true));
        foreach (var name in orphans)
        {
            log.Information("Stopping orphan container {Name}", name);
            await StopAsync(name, grace, ct);
        }
        return orphans;
    }

    /// <summary>Graceful stop (SIGTERM, runtime kills after <paramref name="grace"/>); if that fails or hangs, kill.</summary>
    /// <returns>True when a stop or kill call succeeded.</returns>
    public async Task<bool> StopAsync(string name, TimeSpan grace, CancellationToken ct = default)
    {
        var seconds = (int)Math.Ceiling(grace.TotalSeconds);
        var stop = await ProcessRunner.RunAsync(Executable, RuntimeCommand.Stop(Cli, name, seconds), grace + TimeSpan.FromSeconds(15), ct);
        if (stop.Ok) return true;
        log.Warning("Graceful stop of {Name} failed ({Reason}); killing it", name, stop.Reason);
        var kill = await ProcessRunner.RunAsync(Executable, RuntimeCommand.Kill(Cli, name), ShortCall, ct);
        if (!kill.Ok) log.Warning("Kill of {Name} failed: {Reason}", name, kill.Reason);
        return kill.Ok;
    }
}
