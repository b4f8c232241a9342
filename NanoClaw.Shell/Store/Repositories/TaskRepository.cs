using Dapper;
using LanguageExt;
using NanoClaw.Core.Domain;
using Serilog;
using static LanguageExt.Prelude;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Shell.Store.Repositories;

/// <summary>The <c>scheduled_tasks</c> table (run logs are deleted with their task).</summary>
public sealed class TaskRepository
{
    private const string Columns =
        "id, group_folder, chat_jid, prompt, schedule_type, schedule_value, context_mode, script, next_run, last_run, last_result, status, created_at";

    private readonly StoreConnections db;
    private readonly ILogger log;

    internal TaskRepository(StoreConnections db, ILogger log)
    {
        this.db = db;
        this.log = log;
    }

    /// <summary>Stores a new task; false when the id is taken.</summary>
    public bool Create(ScheduledTask task)
    {
        using var c = db.Open();
        return c.Execute($"INSERT OR IGNORE INTO scheduled_tasks ({Columns}) VALUES " +
                         "(@id, @group_folder, @chat_jid, @prompt, @schedule_type, @schedule_value, @context_mode, @script, @next_run, @last_run, @last_result, @status, @created_at)",
            ToRow(task)) > 0;
    }

    public Option<ScheduledTask> Get(string id)
    {
        using var c = db.Open();
        return Optional(c.QueryFirstOrDefault<TaskRow?>($"SELECT {Columns} FROM scheduled_tasks WHERE id = @id", new { id })).Bind(ToTask);
    }

    /// <summary>A group's tasks, newest first (as NanoClaw listed them).</summary>
    public Seq<ScheduledTask> ListByGroup(string groupFolder) =>
        Query($"SELECT {Columns} FROM scheduled_tasks WHERE group_folder = @groupFolder ORDER BY created_at DESC, id", new { groupFolder });

    /// <summary>Every task, newest first.</summary>
    public Seq<ScheduledTask> ListAll() =>
        Query($"SELECT {Columns} FROM scheduled_tasks ORDER BY created_at DESC, id", null);

    /// <summary>Tasks that are active and due at <paramref name="now"/>, earliest first.</summary>
    public Seq<ScheduledTask> Due(DateTimeOffset now) =>
        Query($"SELECT {Columns} FROM scheduled_tasks WHERE status = 'active' AND next_run IS NOT NULL AND next_run <= @now ORDER BY next_run, id",
            new { now = IsoTimestamp.From(now) });

    /// <summary>Active tasks (for arming the due-task timer).</summary>
    public Seq<ScheduledTask> Active() =>
        Query($"SELECT {Columns} FROM scheduled_tasks WHERE status = 'active' ORDER BY next_run, id", null);

    /// <summary>Writes every field of <paramref name="task"/> except id and creation time; false when it does not exist.</summary>
    public bool Update(ScheduledTask task)
    {
        using var c = db.Open();
        return c.Execute("""
            UPDATE scheduled_tasks SET group_folder = @group_folder, chat_jid = @chat_jid, prompt = @prompt, schedule_type = @schedule_type,
              schedule_value = @schedule_value, context_mode = @context_mode, script = @script, next_run = @next_run,
              last_run = @last_run, last_result = @last_result, status = @status
            WHERE id = @id
            """, ToRow(task)) > 0;
    }

    public bool SetStatus(string id, TaskStatus status)
    {
        using var c = db.Open();
        return c.Execute("UPDATE scheduled_tasks SET status = @status WHERE id = @id", new { id, status = StoreValues.Text(status) }) > 0;
    }

    /// <summary>Deletes a task and its run logs together; true when the task existed.</summary>
    public bool Delete(string id) =>
        db.InTransaction((c, t) =>
        {
            c.Execute("DELETE FROM task_run_logs WHERE task_id = @id", new { id }, t);
            return c.Execute("DELETE FROM scheduled_tasks WHERE id = @id", new { id }, t) > 0;
        });

    /// <summary>
    /// Records a run: next run (none completes the task, as NanoClaw did), last run time and result.
    /// </summary>
    public bool AfterRun(string id, Option<string> nextRun, DateTimeOffset ranAt, string lastResult)
    {
        using var c = db.Open();
        return c.Execute("""
            UPDATE scheduled_tasks
            SET next_run = @next, last_run = @ranAt, last_result = @lastResult,
                status = CASE WHEN @next IS NULL THEN 'completed' ELSE status END
            WHERE id = @id
            """, new { id, next = StoreValues.OrNull(nextRun), ranAt = IsoTimestamp.From(ranAt), lastResult }) > 0;
    }

    private Seq<ScheduledTask> Query(string sql, object? args)
    {
        using var c = db.Open();
        return c.Query<TaskRow>(sql, args).Select(ToTask).Somes().ToSeq().Strict();
    }

    private Option<ScheduledTask> ToTask(TaskRow r)
    {
        var type = StoreValues.ScheduleTypeOf(r.schedule_type);
        var status = StoreValues.TaskStatusOf(r.status);
        if (type.IsNone || status.IsNone)
        {
            // Left in the table untouched; the daemon just cannot run what it cannot read.
            log.Warning("Skipping scheduled task {Id}: unknown schedule_type {Type} or status {Status}", r.id, r.schedule_type, r.status);
            return None;
        }
        return new ScheduledTask(
            r.id, r.group_folder ?? "", r.chat_jid ?? "", r.prompt ?? "",
            type.IfNone(ScheduleType.Once), r.schedule_value ?? "",
            StoreValues.ContextModeOf(r.context_mode),
            Optional(r.script).Filter(s => s.Length > 0),
            Optional(r.next_run), Optional(r.last_run), Optional(r.last_result),
            status.IfNone(TaskStatus.Active), r.created_at ?? "");
    }

    private static TaskRow ToRow(ScheduledTask t) => new()
    {
        id = t.Id,
        group_folder = t.GroupFolder,
        chat_jid = t.ChatJid,
        prompt = t.Prompt,
        schedule_type = StoreValues.Text(t.ScheduleType),
        schedule_value = t.ScheduleValue,
        context_mode = StoreValues.Text(t.ContextMode),
        script = StoreValues.OrNull(t.Script),
        next_run = StoreValues.OrNull(t.NextRun),
        last_run = StoreValues.OrNull(t.LastRun),
        last_result = StoreValues.OrNull(t.LastResult),
        status = StoreValues.Text(t.Status),
        created_at = t.CreatedAt,
    };

#pragma warning disable IDE1006 // Dapper maps columns by name.
    private sealed class TaskRow
    {
        public string id { get; set; } = "";
        public string? group_folder { get; set; }
        public string? chat_jid { get; set; }
        public string? prompt { get; set; }
        public string? schedule_type { get; set; }
        public string? schedule_value { get; set; }
        public string? context_mode { get; set; }
        public string? script { get; set; }
        public string? next_run { get; set; }
        public string? last_run { get; set; }
        public string? last_result { get; set; }
        public string? status { get; set; }
        public string? created_at { get; set; }
    }
#pragma warning restore IDE1006
}
