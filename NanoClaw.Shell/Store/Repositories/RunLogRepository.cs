using Dapper;
using LanguageExt;
using NanoClaw.Core.Domain;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Store.Repositories;

/// <summary>The <c>task_run_logs</c> table: one row per task run.</summary>
public sealed class RunLogRepository
{
    private readonly StoreConnections db;

    internal RunLogRepository(StoreConnections db) => this.db = db;

    /// <summary>Appends a run log; returns its id.</summary>
    public long Log(TaskRunLog log)
    {
        using var c = db.Open();
        return c.ExecuteScalar<long>("""
            INSERT INTO task_run_logs (task_id, run_at, duration_ms, status, result, error)
            VALUES (@TaskId, @RunAt, @DurationMs, @Status, @Result, @Error) RETURNING id
            """,
            new
            {
                log.TaskId, log.RunAt, log.DurationMs,
                Status = StoreValues.Text(log.Status),
                Result = StoreValues.OrNull(log.Result),
                Error = StoreValues.OrNull(log.Error),
            });
    }

    /// <summary>A task's runs, oldest first.</summary>
    public Seq<TaskRunLog> ForTask(string taskId)
    {
        using var c = db.Open();
        return c.Query<(string, string, long, string, string?, string?)>(
                "SELECT task_id, run_at, duration_ms, status, result, error FROM task_run_logs WHERE task_id = @taskId ORDER BY run_at, id",
                new { taskId })
            .Select(r => new TaskRunLog(r.Item1, r.Item2, r.Item3, StoreValues.RunStatusOf(r.Item4), Optional(r.Item5), Optional(r.Item6)))
            .ToSeq().Strict();
    }
}
