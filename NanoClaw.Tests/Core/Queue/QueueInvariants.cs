using NanoClaw.Core.Queue;

namespace NanoClaw.Tests.Core.Queue;

/// <summary>What must hold in every reachable <see cref="QueueState"/>; returns each violation in words.</summary>
public static class QueueInvariants
{
    public static IReadOnlyList<string> Violations(QueueState s)
    {
        var v = new List<string>();
        if (s.MaxConcurrent < 1) v.Add("cap below 1");
        if (s.Running.Count > s.MaxConcurrent) v.Add($"{s.Running.Count} running over cap {s.MaxConcurrent}");

        var waiting = s.Waiting.ToList();
        if (waiting.Distinct().Count() != waiting.Count) v.Add("a group waits twice");
        foreach (var g in waiting)
        {
            if (s.Running.ContainsKey(g)) v.Add($"{g} waits while running");
            if (!s.WorkOf(g).HasWork) v.Add($"{g} waits without work");
        }
        foreach (var (g, w) in s.Work)
        {
            if (w.IsEmpty) v.Add($"{g} stored with empty work");
            if (w.HasWork && !s.Running.ContainsKey(g) && !waiting.Contains(g)) v.Add($"{g} has work but neither runs nor waits");
            if (w.PendingTasks.Distinct().Count() != w.PendingTasks.Count) v.Add($"{g} has a task pending twice");
            if (s.ContainerOf(g).Bind(r => r.TaskId).Exists(t => w.PendingTasks.Exists(p => p == t))) v.Add($"{g} has its running task pending too");
            if (w.Failures is < 0 or > RetryBackoff.MaxRetries) v.Add($"{g} failure count {w.Failures}");
            w.RetryScheduled.IfSome(a =>
            {
                if (a != w.Failures) v.Add($"{g} retry attempt {a} but {w.Failures} failures");
                if (w.MessagesPending) v.Add($"{g} messages pending while a retry timer is set");
            });
        }
        if (!s.ShuttingDown && s.Running.Count < s.MaxConcurrent && !waiting.IsEmpty()) v.Add("a slot is free while groups wait");

        foreach (var (g, r) in s.Running)
        {
            if ((r.Kind == ContainerKind.Task) != r.TaskId.IsSome) v.Add($"{g} kind {r.Kind} with task {r.TaskId}");
            var w = s.WorkOf(g);
            if (r.IdleWaiting && !w.PendingTasks.IsEmpty && !r.CloseRequested) v.Add($"{g} idle with a pending task but not closed");
            if (!s.ShuttingDown && r.Kind == ContainerKind.Messages && r.IdleWaiting && !r.CloseRequested && w.MessagesPending)
                v.Add($"{g} idle message container not given its pending messages");
        }
        return v;
    }
}

internal static class EnumerableExtensions
{
    public static bool IsEmpty<T>(this IEnumerable<T> items) => !items.Any();
}
