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
                       t.cost_usd AS CostUsd, t.num_turns AS NumTurns, t.duration_api_ms AS DurationApiMs,
                       EXISTS (SELECT 1 FROM proxy_calls p WHERE p.container_name = r.container_name) AS ProxyCounted
                FROM container_turns t JOIN container_runs r ON r.id = t.run_id
                WHERE (@since IS NULL OR t.ended_at >= @since) AND (@group IS NULL OR r.group_folder = @group)
                ORDER BY t.ended_at, t.id
                """,
                new { since = since.Map(IsoTimestamp.From).MatchUnsafe(s => s, () => (string?)null), group = StoreValues.OrNull(groupFolder) })
            .Select(r => new UsageTurn(r.RunId, r.GroupFolder, Optional(r.TaskId),
                IsoTimestamp.Parse(r.EndedAt).IfNone(DateTimeOffset.UnixEpoch),
                new TurnUsage(r.InputTokens, r.OutputTokens, r.CacheCreationInputTokens, r.CacheReadInputTokens,
                    decimal.TryParse(r.CostUsd, NumberStyles.Number, CultureInfo.InvariantCulture, out var cost) ? cost : 0m,
                    (int)r.NumTurns, r.DurationApiMs)) { ProxyCounted = r.ProxyCounted != 0 })
            .ToSeq().Strict();
    }

    /// <summary>Records the tokens of one Messages API answer the credential proxy forwarded for <paramref name="containerName"/>.</summary>
    public void ProxyCounted(string containerName, DateTimeOffset endedAt, ApiTokens tokens)
    {
        using var c = db.Open();
        c.Execute("""
            INSERT INTO proxy_calls (container_name, ended_at, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens)
            VALUES (@containerName, @endedAt, @InputTokens, @OutputTokens, @CacheCreationInputTokens, @CacheReadInputTokens)
            """,
            new { containerName, endedAt = IsoTimestamp.From(endedAt), tokens.InputTokens, tokens.OutputTokens, tokens.CacheCreationInputTokens, tokens.CacheReadInputTokens });
    }

    /// <summary>The proxy's counted answers since <paramref name="since"/> (all when none), optionally of one group, oldest first; only those of known runs.</summary>
    public Seq<ProxyCall> ProxyCalls(Option<DateTimeOffset> since, Option<string> groupFolder)
    {
        using var c = db.Open();
        return c.Query<CallRow>("""
                SELECT r.id AS RunId, r.group_folder AS GroupFolder, r.task_id AS TaskId, p.ended_at AS EndedAt,
                       p.input_tokens AS InputTokens, p.output_tokens AS OutputTokens,
                       p.cache_creation_input_tokens AS CacheCreationInputTokens, p.cache_read_input_tokens AS CacheReadInputTokens
                FROM proxy_calls p JOIN container_runs r ON r.container_name = p.container_name
                WHERE (@since IS NULL OR p.ended_at >= @since) AND (@group IS NULL OR r.group_folder = @group)
                ORDER BY p.ended_at, p.id
                """,
                new { since = since.Map(IsoTimestamp.From).MatchUnsafe(s => s, () => (string?)null), group = StoreValues.OrNull(groupFolder) })
            .Select(r => new ProxyCall(r.RunId, r.GroupFolder, Optional(r.TaskId), IsoTimestamp.Parse(r.EndedAt).IfNone(DateTimeOffset.UnixEpoch),
                new ApiTokens(r.InputTokens, r.OutputTokens, r.CacheCreationInputTokens, r.CacheReadInputTokens)))
            .ToSeq().Strict();
    }

    /// <summary>
    /// Whole-run token sums by source (the agent's reports, the proxy's count) of every run with a turn or a counted
    /// answer since <paramref name="since"/>, optionally of one group.
    /// </summary>
    public Seq<RunTokens> RunTokenTotals(Option<DateTimeOffset> since, Option<string> groupFolder)
    {
        using var c = db.Open();
        return c.Query<RunTotalsRow>("""
                SELECT r.id AS RunId, r.group_folder AS GroupFolder, r.container_name AS ContainerName,
                       COALESCE(t.i, 0) AS ReportedInput, COALESCE(t.o, 0) AS ReportedOutput, COALESCE(t.cw, 0) AS ReportedCacheCreation, COALESCE(t.cr, 0) AS ReportedCacheRead,
                       p.n AS ProxyCalls, COALESCE(p.i, 0) AS ProxyInput, COALESCE(p.o, 0) AS ProxyOutput, COALESCE(p.cw, 0) AS ProxyCacheCreation, COALESCE(p.cr, 0) AS ProxyCacheRead
                FROM container_runs r
                LEFT JOIN (SELECT run_id, SUM(input_tokens) i, SUM(output_tokens) o, SUM(cache_creation_input_tokens) cw, SUM(cache_read_input_tokens) cr, MAX(ended_at) last
                           FROM container_turns GROUP BY run_id) t ON t.run_id = r.id
                LEFT JOIN (SELECT container_name, COUNT(*) n, SUM(input_tokens) i, SUM(output_tokens) o, SUM(cache_creation_input_tokens) cw, SUM(cache_read_input_tokens) cr, MAX(ended_at) last
                           FROM proxy_calls GROUP BY container_name) p ON p.container_name = r.container_name
                WHERE (t.run_id IS NOT NULL OR p.container_name IS NOT NULL)
                  AND (@since IS NULL OR t.last >= @since OR p.last >= @since)
                  AND (@group IS NULL OR r.group_folder = @group)
                ORDER BY r.id
                """,
                new { since = since.Map(IsoTimestamp.From).MatchUnsafe(s => s, () => (string?)null), group = StoreValues.OrNull(groupFolder) })
            .Select(r => new RunTokens(r.RunId, r.GroupFolder, r.ContainerName,
                new ApiTokens(r.ReportedInput, r.ReportedOutput, r.ReportedCacheCreation, r.ReportedCacheRead),
                r.ProxyCalls is > 0 ? Some(new ApiTokens(r.ProxyInput, r.ProxyOutput, r.ProxyCacheCreation, r.ProxyCacheRead)) : None))
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

    // Classes with setters, not positional records: computed columns (EXISTS, SUM) have no declared type, and Dapper
    // matches a record's constructor by the reader's column types, which SQLite then reports as BLOB.
    private sealed class TurnRow
    {
        public long RunId { get; set; }
        public string GroupFolder { get; set; } = "";
        public string? TaskId { get; set; }
        public string EndedAt { get; set; } = "";
        public long InputTokens { get; set; }
        public long OutputTokens { get; set; }
        public long CacheCreationInputTokens { get; set; }
        public long CacheReadInputTokens { get; set; }
        public string CostUsd { get; set; } = "0";
        public long NumTurns { get; set; }
        public long DurationApiMs { get; set; }
        public long ProxyCounted { get; set; }
    }

    private sealed record CallRow(long RunId, string GroupFolder, string? TaskId, string EndedAt, long InputTokens, long OutputTokens,
        long CacheCreationInputTokens, long CacheReadInputTokens);

    private sealed class RunTotalsRow
    {
        public long RunId { get; set; }
        public string GroupFolder { get; set; } = "";
        public string ContainerName { get; set; } = "";
        public long ReportedInput { get; set; }
        public long ReportedOutput { get; set; }
        public long ReportedCacheCreation { get; set; }
        public long ReportedCacheRead { get; set; }
        public long? ProxyCalls { get; set; }
        public long ProxyInput { get; set; }
        public long ProxyOutput { get; set; }
        public long ProxyCacheCreation { get; set; }
        public long ProxyCacheRead { get; set; }
    }

    private sealed record RunRow(long Id, string ContainerName, string GroupFolder, string ChatJid, string? TaskId, string StartedAt,
        long? DurationMs, string Outcome, string? Error);
}
