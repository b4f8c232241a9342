using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Shell.Containers;
using Serilog;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// The container runtime, detected and asked whether it is up (<c>info</c>) on the thread pool from the first moment of
/// <c>nanoclaw run</c>, while the first-run checks open the store and the daemon sets up its channels (issue 16: with
/// Podman the <c>info</c> call alone is a few hundred milliseconds of the start, which waited for the rest before).
/// Both steps only ask, except that Apple Container's system service is started when it is down, as the daemon always
/// did; stopping orphaned containers (a side effect on this installation's runs) is left to the daemon once it is
/// committed to running (<see cref="StopOrphansAsync"/>).
/// </summary>
public sealed class RuntimeBringUp
{
    /// <summary>How long the runtime may take to come up at boot before the daemon reports it (SPEC: never a crash loop).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(3);

    private RuntimeBringUp(Task<Option<ContainerRuntime>> detected, Task<bool> up)
    {
        Detected = detected;
        Up = up;
    }

    /// <summary>The runtime to use, or none when no candidate answers.</summary>
    public Task<Option<ContainerRuntime>> Detected { get; }

    /// <summary>True once the detected runtime answers; false when none was detected or it did not come up in time.</summary>
    public Task<bool> Up { get; }

    /// <summary>Starts both steps in the background and returns at once.</summary>
    /// <param name="executable">The program for every runtime (<c>NANOCLAW_CONTAINER_EXECUTABLE</c>), or null for the usual ones.</param>
    public static RuntimeBringUp Start(ContainerRuntimeKind kind, string? executable, ILogger log, TimeProvider clock, CancellationToken ct)
    {
        var detected = Task.Run(() => ContainerRuntime.DetectAsync(kind, log, clock,
            string.IsNullOrEmpty(executable) ? null : _ => executable, ct), ct);
        return new RuntimeBringUp(detected, UpAsync(detected, ct));
    }

    private static async Task<bool> UpAsync(Task<Option<ContainerRuntime>> detected, CancellationToken ct) =>
        (await detected.ConfigureAwait(false)).Case is ContainerRuntime runtime
        && await runtime.EnsureRunningAsync(MaxWait, ct).ConfigureAwait(false);

    /// <summary>
    /// Stops this installation's leftover containers once the runtime is up (none when it is not), in the background:
    /// the daemon awaits the result before its pipeline can start a container.
    /// </summary>
    public async Task<Seq<string>> StopOrphansAsync(string dataDir, CancellationToken ct)
    {
        if (!await Up.ConfigureAwait(false) || (await Detected.ConfigureAwait(false)).Case is not ContainerRuntime runtime)
            return default;
        return await runtime.StopOrphansAsync(TimeSpan.FromSeconds(5), InstallationContainers.Of(runtime.Executable, dataDir), ct)
            .ConfigureAwait(false);
    }
}
