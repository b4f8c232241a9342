using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Usage;
using NanoClaw.Shell.Store;
using Serilog;

namespace NanoClaw.Shell.Usage;

/// <summary>
/// Keeps the usage tables as runs go: a row when a container starts, one per turn that reports usage, the outcome when
/// it exits. Accounting never stops an agent: a store error is logged and the run goes on.
/// </summary>
public sealed class UsageRecorder(NanoClawStore store, TimeProvider clock, ILogger log)
{
    /// <summary>The run's id, or none when it could not be recorded.</summary>
    public Option<long> RunStarted(string containerName, string folder, string chatJid, Option<string> taskId, DateTimeOffset startedAt) =>
        Try("record the start of " + containerName, () => store.Usage.RunStarted(containerName, folder, chatJid, taskId, startedAt));

    /// <summary>Stores the turn's usage if the record carries any.</summary>
    public void Output(Option<long> runId, ContainerOutput output)
    {
        if (runId.Case is not long id || output.Usage.Case is not TurnUsage usage) return;
        Try("record a turn", () => { store.Usage.TurnEnded(id, clock.GetUtcNow(), usage); return 0L; });
    }

    /// <summary>Stores the tokens of one API answer the credential proxy forwarded for a run (called on the proxy's thread).</summary>
    public void ProxyCounted(string containerName, Core.Usage.ApiTokens tokens) =>
        Try("record the proxy's count for " + containerName, () => { store.Usage.ProxyCounted(containerName, clock.GetUtcNow(), tokens); return 0L; });

    /// <summary>Stores how the run ended.</summary>
    public void RunEnded(Option<long> runId, ContainerRunResult result)
    {
        if (runId.Case is not long id) return;
        Try("record the end of a run", () =>
        {
            store.Usage.RunEnded(id, (long)result.Duration.TotalMilliseconds, RunOutcomes.Of(result), result.Error);
            return 0L;
        });
    }

    /// <summary>A run that never got to exit normally (its completion failed).</summary>
    public void RunFailed(Option<long> runId, string error)
    {
        if (runId.Case is not long id) return;
        Try("record a failed run", () => { store.Usage.RunEnded(id, 0, RunOutcomes.Error, error); return 0L; });
    }

    private Option<long> Try(string what, Func<long> act)
    {
        try
        {
            return act();
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException)
        {
            log.Warning("Usage: could not {What}: {Error}", what, e.Message);
            return Option<long>.None;
        }
    }
}
