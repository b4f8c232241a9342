using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Shell.Containers;
using Serilog;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// The container runtime, detected and asked once whether it is up (<c>info</c>) on the thread pool from the first
/// moment of <c>nanoclaw run</c>, while the first-run checks open the store and the daemon sets up its channels
/// (issue 16: with Podman the <c>info</c> call alone is a few hundred milliseconds of the start, which waited for the
/// rest before). These calls only ask and log nothing, so a start that the checks stop (exit 7) prints only the guide.
/// Everything with an effect or a log line waits until the daemon is committed to running: <see cref="ReadyAsync"/>
/// waits for a runtime that is down (retries, Apple's service start, their log lines) and then stops orphaned
/// containers, while the channels connect; container starts wait for it (<c>DecisionPerformer.RuntimeReady</c>).
/// </summary>
public sealed class RuntimeBringUp
{
    /// <summary>How long the runtime may take to come up at boot before the daemon reports it (SPEC: never a crash loop).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(3);

    private readonly Task<CliResult> firstInfo;

    private readonly ILogger log;

    private RuntimeBringUp(Task<Option<ContainerRuntime>> detected, Task<CliResult> firstInfo, ILogger log)
    {
        Detected = detected;
        this.firstInfo = firstInfo;
        this.log = log;
    }

    /// <summary>The runtime to use, or none when no candidate answers.</summary>
    public Task<Option<ContainerRuntime>> Detected { get; }

    /// <summary>Starts detection and the first <c>info</c> in the background and returns at once.</summary>
    /// <param name="executable">The program for every runtime (<c>NANOCLAW_CONTAINER_EXECUTABLE</c>), or null for the usual ones.</param>
    public static RuntimeBringUp Start(ContainerRuntimeKind kind, string? executable, ILogger log, TimeProvider clock, CancellationToken ct)
    {
        var detected = Task.Run(() => ContainerRuntime.DetectAsync(kind, log, clock,
            string.IsNullOrEmpty(executable) ? null : _ => executable, ct), ct);
        return new RuntimeBringUp(detected, FirstInfoAsync(detected, ct), log);
    }

    private static async Task<CliResult> FirstInfoAsync(Task<Option<ContainerRuntime>> detected, CancellationToken ct) =>
        (await detected.ConfigureAwait(false)).Case is ContainerRuntime runtime
            ? await runtime.InfoAsync(ct).ConfigureAwait(false)
            : new CliResult(-1, "", "no runtime detected");

    /// <summary>
    /// Waits for the detected runtime as the daemon always did (its first attempt being the early <c>info</c>; retries,
    /// Apple's service start and their log lines), then stops this installation's leftover containers.
    /// </summary>
    /// <returns>True when containers may start; false when the runtime did not come up or the daemon is stopping.</returns>
    public async Task<bool> ReadyAsync(ContainerRuntime runtime, string dataDir, CancellationToken ct)
    {
        if (!await runtime.EnsureRunningAsync(MaxWait, ct, firstInfo: firstInfo).ConfigureAwait(false)) return false;
        try
        {
            var orphans = await runtime.StopOrphansAsync(TimeSpan.FromSeconds(5), InstallationContainers.Of(runtime.Executable, dataDir), ct)
                .ConfigureAwait(false);
            if (!orphans.IsEmpty) log.Information("Stopped {Count} orphaned containers: {Names}", orphans.Count, string.Join(", ", orphans));
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            // The runtime is up; new runs have names of their own, so they still start. Said, never silent.
            log.Error("Stopping orphaned containers failed: {Error}; any left from an earlier run keep running", e.Message);
            return true;
        }
    }
}
