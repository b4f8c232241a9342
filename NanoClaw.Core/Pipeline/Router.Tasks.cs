using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using NanoClaw.Core.Queue;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Pipeline;

/// <summary>Due scheduled tasks (SPEC §9).</summary>
public static partial class Router
{
    private static (RouterState, Seq<Decision>) OnTaskDue(RouterState state, ScheduledTask task)
    {
        if (task.Status != Domain.TaskStatus.Active) return (state, None_);
        var folder = GroupFolder.Validate(task.GroupFolder);
        if (folder.IsLeft)
            return (state, Seq1<Decision>(new Decision.TaskFinished(task, false, None,
                Some("invalid group folder: " + folder.Match(Right: _ => "", Left: reason => reason)))));
        if (state.Groups.Values.Find(g => g.Folder == task.GroupFolder).Case is not RegisteredGroup group)
            return (state, Seq1<Decision>(new Decision.TaskFinished(task, false, None, Some($"group '{task.GroupFolder}' is not registered"))));

        var running = state.Runs.Find(group.Jid).Bind(r => r.Task).Exists(t => t.Id == task.Id);
        if (running) return (state, None_);
        return ToQueue(state with { DueTasks = state.DueTasks.AddOrUpdate(task.Id, task) }, new QueueEvent.TaskDue(group.Jid, task.Id), None_);
    }
}
