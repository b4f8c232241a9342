using LanguageExt;
using NanoClaw.Core.Groups;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Containers;

/// <summary>What the mount plan of one run depends on. Every path is absolute; existence checks are done by the shell.</summary>
/// <param name="ProjectRoot">The project root (mounted read-only for main only).</param>
/// <param name="GroupsDir">The <c>groups/</c> directory.</param>
/// <param name="DataDir">The <c>data/</c> directory.</param>
/// <param name="Folder">The group's folder name.</param>
/// <param name="IsMain">True for the main group.</param>
/// <param name="GlobalExists">True when <c>groups/global</c> exists on the host.</param>
/// <param name="Extras">Additional mounts the allowlist admitted.</param>
public sealed record MountPlanRequest(
    string ProjectRoot,
    string GroupsDir,
    string DataDir,
    string Folder,
    bool IsMain,
    bool GlobalExists,
    Seq<VolumeMount> Extras)
{
    /// <summary>Host path of the run's credential proxy socket, mounted read-only at <see cref="MountPlanner.ApiSocketTarget"/>.</summary>
    public Option<string> ApiSocket { get; init; }
}

/// <summary>The mounts of one run, and the admitted extras the planner still refused (to be logged).</summary>
/// <param name="Mounts">Mounts in command-line order.</param>
/// <param name="Dropped">Extras left out, each with the reason.</param>
public sealed record MountPlan(Seq<VolumeMount> Mounts, Seq<(VolumeMount Mount, string Reason)> Dropped);

/// <summary>The SPEC §7 mount table for a group's container.</summary>
public static class MountPlanner
{
    /// <summary>Container path of the project root (main only).</summary>
    public const string ProjectTarget = "/workspace/project";
    /// <summary>Container path of the group's own folder.</summary>
    public const string GroupTarget = "/workspace/group";
    /// <summary>Container path of the shared global memory (non-main only).</summary>
    public const string GlobalTarget = "/workspace/global";
    /// <summary>Container path of the group's Claude session store.</summary>
    public const string ClaudeTarget = "/home/node/.claude";
    /// <summary>Container path of the group's IPC directory.</summary>
    public const string IpcTarget = "/workspace/ipc";
    /// <summary>Container path of the run's credential proxy socket (the only way to the API).</summary>
    public const string ApiSocketTarget = "/run/nanoclaw/api.sock";

    /// <summary>
    /// Plans the mounts: main gets the project root read-only; every group gets its own folder, session store and
    /// IPC directory read-write; non-main groups get <c>groups/global</c> read-only when it exists; then the admitted
    /// extras. An extra is dropped when its target is not a valid <c>/workspace/extra/&lt;name&gt;</c>, repeats an earlier
    /// target, or overlaps the project root, <c>groups/</c> or <c>data/</c> (an allowlist root drawn too wide must not
    /// hand a group the store, another group's folder or writable project code).
    /// </summary>
    /// <returns>The plan, or why the folder cannot be used.</returns>
    public static Either<string, MountPlan> Plan(MountPlanRequest request) =>
        from groupDir in GroupFolder.ResolveUnder(request.GroupsDir, request.Folder)
        from sessionsDir in GroupFolder.ResolveUnder(Path.Combine(request.DataDir, "sessions"), request.Folder)
        from ipcDir in GroupFolder.ResolveUnder(Path.Combine(request.DataDir, "ipc"), request.Folder)
        let fixedMounts = Seq(
                request.IsMain ? Some(new VolumeMount(Path.GetFullPath(request.ProjectRoot), ProjectTarget, true)) : None,
                Some(new VolumeMount(groupDir, GroupTarget, false)),
                !request.IsMain && request.GlobalExists
                    ? Some(new VolumeMount(Path.GetFullPath(Path.Combine(request.GroupsDir, GroupFolder.Global)), GlobalTarget, true))
                    : None,
                Some(new VolumeMount(Path.Combine(sessionsDir, ".claude"), ClaudeTarget, false)),
                Some(new VolumeMount(ipcDir, IpcTarget, false)),
                request.ApiSocket.Map(socket => new VolumeMount(socket, ApiSocketTarget, true)))
            .Somes()
        let extras = SortExtras(request)
        select new MountPlan(fixedMounts + extras.Kept, extras.Dropped);

    private static (Seq<VolumeMount> Kept, Seq<(VolumeMount, string)> Dropped) SortExtras(MountPlanRequest request)
    {
        var protectedDirs = Seq(request.ProjectRoot, request.GroupsDir, request.DataDir).Map(p => Path.GetFullPath(p));
        var kept = new List<VolumeMount>();
        var dropped = new List<(VolumeMount, string)>();
        foreach (var m in request.Extras)
        {
            var reason = ExtraProblem(m, protectedDirs, kept);
            if (reason.IsSome) dropped.Add((m, reason.First()));
            else kept.Add(m);
        }
        return (toSeq(kept), toSeq(dropped));
    }

    private static Option<string> ExtraProblem(VolumeMount m, Seq<string> protectedDirs, List<VolumeMount> kept)
    {
        if (!m.ContainerPath.StartsWith(MountPolicy.ExtraBase + "/", StringComparison.Ordinal))
            return $"target '{m.ContainerPath}' is not under {MountPolicy.ExtraBase}/";
        var name = m.ContainerPath[(MountPolicy.ExtraBase.Length + 1)..];
        var nameProblem = MountPolicy.ContainerNameProblem(name);
        if (nameProblem.IsSome) return $"target '{m.ContainerPath}' {nameProblem.First()}";
        if (kept.Exists(k => k.ContainerPath == m.ContainerPath)) return $"target '{m.ContainerPath}' is already used";
        var hostProblem = MountPolicy.RealPathProblem(m.HostPath);
        if (hostProblem.IsSome) return $"host path '{m.HostPath}' {hostProblem.First()}";
        var overlap = protectedDirs.Find(d => MountPolicy.IsUnder(m.HostPath, d) || MountPolicy.IsUnder(d, m.HostPath));
        return overlap.Map(d => $"host path '{m.HostPath}' overlaps NanoClaw's own directory '{d}'");
    }
}
