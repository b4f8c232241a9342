using NanoClaw.Core.Domain;
using Serilog;

namespace NanoClaw.Shell.Scheduling;

/// <summary>
/// Fires due tasks on time: one timer armed for the earliest <c>next_run</c>, re-armed whenever tasks
/// change, plus a slow safety poll. Each (task, next_run) pair is handed out once, so the timer and the
/// poll overlapping can never start a task twice.
/// </summary>
public sealed class DueTaskTimer : IDisposable
{
    private readonly TimeProvider clock;
    private readonly Func<IReadOnlyList<ScheduledTask>> activeTasks;
    private readonly Action<ScheduledTask> onDue;
    private readonly ILogger log;
    private readonly object gate = new();
    private readonly HashSet<(string Id, string NextRun)> dispatched = [];
    private readonly ITimer poll;
    private ITimer? next;
    private bool disposed;

    /// <param name="activeTasks">Reads the active tasks from the store.</param>
    /// <param name="onDue">Receives each due task once per scheduled time.</param>
    public DueTaskTimer(TimeProvider clock, Func<IReadOnlyList<ScheduledTask>> activeTasks, Action<ScheduledTask> onDue,
        TimeSpan safetyPoll, ILogger log)
    {
        this.clock = clock;
        this.activeTasks = activeTasks;
        this.onDue = onDue;
        this.log = log;
        poll = clock.CreateTimer(_ => Rearm(), null, safetyPoll, safetyPoll);
    }

    /// <summary>Dispatches what is due now and arms the timer for the earliest future run. Call after any task change.</summary>
    public void Rearm()
    {
        List<ScheduledTask> due = [];
        lock (gate)
        {
            if (disposed) return;
            var now = clock.GetUtcNow();
            var nowText = IsoTimestamp.From(now);
            DateTimeOffset? earliest = null;
            var tasks = activeTasks();
            foreach (var task in tasks)
            {
                if (task.Status != Core.Domain.TaskStatus.Active) continue;
                var nextRun = task.NextRun.IfNone("");
                if (nextRun.Length == 0) continue;
                if (string.CompareOrdinal(nextRun, nowText) <= 0)
                {
                    if (dispatched.Add((task.Id, nextRun))) due.Add(task);
                }
                else if (IsoTimestamp.Parse(nextRun).Case is DateTimeOffset at && (earliest is null || at < earliest))
                {
                    earliest = at;
                }
            }
            // Forget dispatch marks for runs that have moved on, so memory stays bounded.
            var live = tasks.Select(t => (t.Id, t.NextRun.IfNone(""))).ToHashSet();
            dispatched.RemoveWhere(d => !live.Contains(d));
            next?.Dispose();
            next = earliest is { } when
                ? clock.CreateTimer(_ => Rearm(), null, Min(Max(when - now, TimeSpan.Zero), LongestWait), Timeout.InfiniteTimeSpan)
                : null;
        }
        foreach (var task in due)
        {
            log.Information("Task {TaskId} for {Folder} is due", task.Id, task.GroupFolder);
            onDue(task);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// Timers take at most 2^32-2 ms (~49.7 days); a task due later (a run-now target of 2099, a yearly cron) used to
    /// crash the daemon. The timer wakes after a day at most and re-arms.
    /// </summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            poll.Dispose();
            next?.Dispose();
        }
    }
}
