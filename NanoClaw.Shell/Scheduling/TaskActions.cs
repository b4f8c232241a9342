using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Ipc;
using NanoClaw.Core.Scheduling;
using NanoClaw.Shell.Setup;
using NanoClaw.Shell.Store;
using static LanguageExt.Prelude;
using TaskStatus = NanoClaw.Core.Domain.TaskStatus;

namespace NanoClaw.Shell.Scheduling;

/// <summary>What an operator may do to a task from the CLI or the dashboard.</summary>
public enum TaskAction
{
    /// <summary>Keep it, run it no more until resumed.</summary>
    Pause,
    /// <summary>Run it again on its schedule.</summary>
    Resume,
    /// <summary>Delete it and its run history.</summary>
    Cancel,
    /// <summary>Make an active task due now.</summary>
    RunNow,
}

/// <summary>
/// The one code path for an operator's task change (<c>nanoclaw tasks …</c> and the dashboard's buttons): the change is
/// decided by <see cref="IpcAuthorizer"/> as if the acting group's agent had asked (main unless another group is
/// named), then applied to the store. Run-now is allowed to whoever may resume the task, and refused for a paused one.
/// </summary>
public static class TaskActions
{
    /// <summary>Decides and applies <paramref name="action"/>; the sentence to show, or why it was refused.</summary>
    /// <param name="store">The store.</param>
    /// <param name="limits">The task limits of the configuration.</param>
    /// <param name="zone">The configured time zone.</param>
    /// <param name="now">The current time.</param>
    /// <param name="asGroup">Act with this group's rights; none = main's.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="action">What to do.</param>
    public static Either<string, string> Perform(NanoClawStore store, TaskLimits limits, TimeZoneInfo zone, DateTimeOffset now,
        Option<string> asGroup, string taskId, TaskAction action)
    {
        var groups = store.Groups.All();
        var tasks = store.Tasks.ListAll();
        var acting = asGroup.Case is string folder
            ? Operator.AsGroup(folder, groups, tasks, zone, now)
            : Operator.AsMain(groups, tasks, zone, now);
        acting = acting with { Limits = limits };
        // Whoever may resume a task may run it now: same ownership rule, and a completed task is refused.
        IpcRequest request = action switch
        {
            TaskAction.Pause => new IpcRequest.PauseTask(taskId),
            TaskAction.Cancel => new IpcRequest.CancelTask(taskId),
            _ => new IpcRequest.ResumeTask(taskId),
        };
        return IpcAuthorizer.Authorize(acting, request).Bind(effect => Apply(store, effect, taskId, action, now));
    }

    private static Either<string, string> Apply(NanoClawStore store, IpcEffect effect, string taskId, TaskAction action, DateTimeOffset now)
    {
        if (action == TaskAction.RunNow)
        {
            var task = store.Tasks.Get(taskId).Match(t => t, () => throw new InvalidOperationException($"task '{taskId}' vanished"));
            if (task.Status == TaskStatus.Paused)
                return Left<string, string>($"task '{taskId}' is paused; resume it first with: nanoclaw tasks resume {taskId}");
            store.Tasks.Update(task with { NextRun = Some(IsoTimestamp.From(now)) });
            return Right<string, string>($"Task {taskId} is due now; a running daemon starts it at once.");
        }
        switch (effect)
        {
            case IpcEffect.SetTaskStatus s:
                store.Tasks.SetStatus(s.TaskId, s.Status);
                break;
            case IpcEffect.DeleteTask d:
                store.Tasks.Delete(d.TaskId);
                break;
            default:
                throw new InvalidOperationException($"unexpected decision {effect.GetType().Name}");
        }
        var done = action switch { TaskAction.Pause => "Paused", TaskAction.Resume => "Resumed", _ => "Cancelled" };
        return Right<string, string>($"{done} task {taskId}.");
    }
}
