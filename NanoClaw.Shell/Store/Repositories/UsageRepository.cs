using System.Globalization;
using Dapper;
using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Usage;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Store.Repositories;

/// <summary>A stored container run (<c>container_runs</c>).</summary>
public sealed record StoredRun(long Id, string ContainerName, string GroupFolder, string ChatJid, Option<string> TaskId,
    string StartedAt, Option<long> DurationMs, string Outcome, Option<string> Error);

/// <summary>
/// The usage tables (<c>V5__usage.sql</c>): <c>container_runs</c>, one row per container run, and <c>container_turns</c>,
/// one per agent turn with what Claude Code reported. Costs are stored as decimal text so sums stay exact.
/// </summary>
public sealed class UsageRepository
{
    private readonly StoreConnections db;

    internal UsageRepository(StoreConnections db) => this.db = db;

    /// <summary>Records a started run (outcome <c>running</c>); returns its id. A name seen before keeps its row.</summary>
    public long RunStarted(string containerName, string groupFolder, string chatJid, Option<string> taskId, DateTimeOffset startedAt)
    {
        using var c = db.Open();
        return c.ExecuteScalar<long>("""
            INSERT INTO container_runs (container_name, group_folder, chat_jid, task_id, started_at)
            VALUES (@containerName, @groupFolder, @chatJid, @taskId, @startedAt)
            ON CONFLICT(container_name) DO UPDATE SET container_name = excluded.container_name
            RETURNING id
            """,
            new { containerName, groupFolder, chatJid, taskId = StoreValues.OrNull(taskId), startedAt = IsoTimestamp.From(startedAt) });
    }

    /// <summary>Records how a run ended.</summary>
    public void RunEnded(long runId, long durationMs, string outcome, Option<string> error)
    {
        using var c = db.Open();
        c.Execute("UPDATE container_runs SET duration_ms = @durationMs, outcome = @outcome, error = @error WHERE id = @runId",
            new { runId, durationMs, outcome, error = StoreValues.OrNull(error) });
    }

    /// <summary>Appends one turn of a run.</summary>
    public void TurnEnded(long runId, DateTimeOffset endedAt, TurnUsage usage)
    {
        using var c = db.Open();
        c.Execute("""
            INSERT INTO container_turns (run_id, ended_at, input_tokens, output_tokens, cache_creation_input_tokens,
                                         cache_read_input_tokens, cost_usd, num_turns, duration_api_ms)
            VALUES (@runId, @endedAt, @InputTokens, @OutputTokens, @CacheCreationInputTokens, @CacheReadInputTokens, @cost, @NumTurns, @DurationApiMs)
            """,
            new
            {
                runId, endedAt = IsoTimestamp.From(endedAt), usage.InputTokens, usage.OutputTokens, usage.CacheCreationInputTokens,
                usage.CacheReadInputTokens, cost = usage.CostUsd.ToString(CultureInfo.InvariantCulture), usage.NumTurns, usage.DurationApiMs,
            });
    }

    /// <summary>Turns ended at or after <paramref name="since"/> (all when none), optionally of one group, oldest first.</summary>
    public Seq<UsageTurn> Turns(Option<DateTimeOffset> since, Option<string> groupFolder)
    {
        using var c = db.Open();
        return c.Query<TurnRow>("""
                SELECT r.id AS RunId, r.group_folder AS GroupFolder, r.task_id AS TaskId, t.ended_at AS EndedAt,
                       t.input_tokens AS InputTokens, t.output_tokens AS OutputTokens,
                       t.cache_creation_input_tokens AS CacheCreationInputTokens, t.cache_read_input_tokens AS CacheReadInputTokens,
                       t.cost_usd AS CostUsd, t.num_turns AS NumTurns, t.duration_api_ms AS DurationApiMs
                FROM container_turns t JOIN container_runs r ON r.id = t.run_id
                WHERE (@since IS NULL OR t.ended_at >= @since) AND (@group IS NULL OR r.group_folder = @group)
                ORDER BY t.ended_at, t.id
                """,
                new { since = since.Map(IsoTimestamp.From).MatchUnsafe(s => s, () => (string?)null), group = StoreValues.OrNull(groupFolder) })
            .Select(r => new UsageTurn(r.RunId, r.GroupFolder, Optional(r.TaskId),
                IsoTimestamp.Parse(r.EndedAt).IfNone(DateTimeOffset.UnixEpoch),
                new TurnUsage(r.InputTokens, r.OutputTokens, r.CacheCreationInputTokens, r.CacheReadInputTokens,
                    decimal.TryParse(r.CostUsd, NumberStyles.Number, CultureInfo.InvariantCulture, out var cost) ? cost : 0m,
                    (int)r.NumTurns, r.DurationApiMs)))
            .ToSeq().Strict();
    }

    /// <summary>Runs, newest first (at most <paramref name="limit"/>).</summary>
    public Seq<StoredRun> RecentRuns(int limit)
    {
        using var c = db.Open();
        return c.Query<RunRow>("""
                SELECT id AS Id, container_name AS ContainerName, group_folder AS GroupFolder, chat_jid AS ChatJid, task_id AS TaskId,
                       started_at AS StartedAt, duration_ms AS DurationMs, outcome AS Outcome, error AS Error
                FROM container_runs ORDER BY started_at DESC, id DESC LIMIT @limit
                """, new { limit })
            .Select(ToRun).ToSeq().Strict();
    }

    /// <summary>The run with this id, if the store knows it (the dashboard's run log looks runs up only here).</summary>
    public Option<StoredRun> Run(long id)
    {
        using var c = db.Open();
        return Optional(c.QuerySingleOrDefault<RunRow>("""
                SELECT id AS Id, container_name AS ContainerName, group_folder AS GroupFolder, chat_jid AS ChatJid, task_id AS TaskId,
                       started_at AS StartedAt, duration_ms AS DurationMs, outcome AS Outcome, error AS Error
                FROM container_runs WHERE id = @id
                """, new { id })).Map(ToRun);
    }

    /// <summary>The latest failed run of each group (for <c>nanoclaw status</c>), by group folder.</summary>
    public Seq<StoredRun> LastErrors()
    {
        using var c = db.Open();
        return c.Query<RunRow>("""
                SELECT id AS Id, container_name AS ContainerName, group_folder AS GroupFolder, chat_jid AS ChatJid, task_id AS TaskId,
                       started_at AS StartedAt, duration_ms AS DurationMs, outcome AS Outcome, error AS Error
                FROM container_runs r
                WHERE outcome IN ('error', 'timeout')
                  AND id = (SELECT id FROM container_runs x WHERE x.group_folder = r.group_folder AND x.outcome IN ('error', 'timeout')
                            ORDER BY x.started_at DESC, x.id DESC LIMIT 1)
                ORDER BY group_folder
                """)
            .Select(ToRun).ToSeq().Strict();
    }

    private static StoredRun ToRun(RunRow r) => new(r.Id, r.ContainerName, r.GroupFolder, r.ChatJid, Optional(r.TaskId), r.StartedAt,
        r.DurationMs is { } d ? Some(d) : None, r.Outcome, Optional(r.Error));

    private sealed record TurnRow(long RunId, string GroupFolder, string? TaskId, string EndedAt, long InputTokens, long OutputTokens,
        long CacheCreationInputTokens, long CacheReadInputTokens, string CostUsd, long NumTurns, long DurationApiMs);

    private sealed record RunRow(long Id, string ContainerName, string GroupFolder, string ChatJid, string? TaskId, string StartedAt,
        long? DurationMs, string Outcome, string? Error);
}
