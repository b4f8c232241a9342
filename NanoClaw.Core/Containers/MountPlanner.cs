using LanguageExt;
using NanoClaw.Core.Groups;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Containers;

/// <summary>A host path that exists and must be hidden from main's view of the project.</summary>
/// <param name="HostPath">Absolute host path.</param>
/// <param name="IsDirectory">True for a directory (shadowed by an empty directory), false for a file (by <c>/dev/null</c>).</param>
public sealed record HiddenPath(string HostPath, bool IsDirectory);

/// <summary>
/// What the mount plan of one run depends on. Every path is absolute; existence checks are done by the shell.
/// New inputs are init properties with safe defaults, so callers (and other branches) extend it without churn.
/// </summary>
/// <param name="ProjectRoot">The project root (mounted read-only for main only, its secrets shadowed).</param>
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
    /// <summary>The message store and WhatsApp auth (<c>paths.store_dir</c>); never a mount source. Empty: <c>&lt;project&gt;/store</c>.</summary>
    public string StoreDir { get; init; } = "";

    /// <summary>The daemon's logs and the run logs; never a mount source. Empty: <c>&lt;project&gt;/logs</c>.</summary>
    public string LogsDir { get; init; } = "";

    /// <summary>The secrets file; never a mount source. Empty: <c>&lt;project&gt;/credentials.yml</c>.</summary>
    public string CredentialsFile { get; init; } = "";

    /// <summary>Host-owned skills directory mounted read-only at <see cref="MountPlanner.SkillsTarget"/>; none when missing.</summary>
    public Option<string> SkillsDir { get; init; } = None;

    /// <summary>
    /// Those of <see cref="MountPlanner.HiddenFromProject"/> that exist on the host, with their kind (the shell
    /// checks). A bind mount needs an existing target, so only existing paths can be shadowed.
    /// </summary>
    public Seq<HiddenPath> ExistingHidden { get; init; } = Seq<HiddenPath>();

    /// <summary>A host-owned empty directory that shadows hidden directories in main's project view.</summary>
    public string EmptyDir { get; init; } = "";

    internal string Store => Path.GetFullPath(StoreDir.Length > 0 ? StoreDir : Path.Combine(ProjectRoot, "store"));
    internal string Logs => Path.GetFullPath(LogsDir.Length > 0 ? LogsDir : Path.Combine(ProjectRoot, "logs"));
    internal string Credentials => Path.GetFullPath(CredentialsFile.Length > 0 ? CredentialsFile : Path.Combine(ProjectRoot, "credentials.yml"));
    /// <summary>
    /// More host directories no extra mount may overlap, besides the project root, <c>groups/</c> and <c>data/</c>:
    /// the store (database and WhatsApp keys), the allowlists' directory (<c>~/.config/nanoclaw</c>), wherever they are.
    /// </summary>
    public Seq<string> ProtectedDirs { get; init; } = Seq<string>();

    /// <summary>Host path of the run's credential proxy socket, mounted read-only at <see cref="MountPlanner.ApiSocketTarget"/>.</summary>
    public Option<string> ApiSocket { get; init; }
}

/// <summary>The mounts of one run, and the admitted extras the planner still refused (to be logged).</summary>
/// <param name="Mounts">Mounts in command-line order.</param>
/// <param name="Dropped">Extras left out, each with the reason.</param>
public sealed record MountPlan(Seq<VolumeMount> Mounts, Seq<(VolumeMount Mount, string Reason)> Dropped);

/// <summary>The mount table for a group's container (SPEC §7, tightened: see container/README.md).</summary>
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
    /// <summary>Container path of the host's skills (read-only, inside the session store's mount).</summary>
    public const string SkillsTarget = ClaudeTarget + "/skills";
    /// <summary>Container path of the group's IPC directory.</summary>
    public const string IpcTarget = "/workspace/ipc";
    /// <summary>Container path of the host's snapshots for the group (read-only).</summary>
    public const string SnapshotsTarget = "/workspace/snapshots";
    /// <summary>Container path of the group's inbound media (read-only).</summary>
    public const string MediaTarget = "/workspace/media";
    /// <summary>Source that shadows a hidden file in main's project view.</summary>
    public const string NullDevice = "/dev/null";

    /// <summary><c>data/snapshots/&lt;folder&gt;</c>: written by the host only, mounted read-only.</summary>
    public static Either<string, string> SnapshotsDir(string dataDir, string folder) =>
        GroupFolder.ResolveUnder(Path.Combine(dataDir, "snapshots"), folder);

    /// <summary><c>data/media/&lt;folder&gt;</c>: photos, documents and voice notes of the group, written by the host only, mounted read-only.</summary>
    public static Either<string, string> MediaDir(string dataDir, string folder) =>
        GroupFolder.ResolveUnder(Path.Combine(dataDir, "media"), folder);

    /// <summary>Container path of the run's credential proxy socket (the only way to the API).</summary>
    public const string ApiSocketTarget = "/run/nanoclaw/api.sock";

    /// <summary>
    /// What main must not see through its project mount: the credentials file, the store, the data directory
    /// (every group's sessions and IPC, the chat socket) and the logs — those of them that lie under the project root.
    /// </summary>
    public static Seq<string> HiddenFromProject(MountPlanRequest request)
    {
        var root = Path.GetFullPath(request.ProjectRoot);
        return Seq(request.Credentials, request.Store, Path.GetFullPath(request.DataDir), request.Logs)
            .Filter(p => p != root && MountPolicy.IsUnder(p, root))
            .Distinct()
            .ToSeq();
    }

    /// <summary>
    /// Plans the mounts: main gets the project root read-only with its secrets shadowed (empty directory or
    /// <c>/dev/null</c>); every group gets its own folder, session store and IPC directory read-write, and its
    /// snapshots, its media (<c>data/media/&lt;folder&gt;</c>) and the skills read-only; non-main groups get <c>groups/global</c> read-only when it exists; then
    /// the admitted extras. An extra is dropped when its target is not a valid <c>/workspace/extra/&lt;name&gt;</c>,
    /// repeats an earlier target, or overlaps the project root, <c>groups/</c>, <c>data/</c>, the store, the logs
    /// or the credentials file (an allowlist root drawn too wide must not hand a group the store, another group's
    /// folder or writable project code).
    /// </summary>
    /// <returns>The plan, or why the folder cannot be used.</returns>
    public static Either<string, MountPlan> Plan(MountPlanRequest request) =>
        from groupDir in GroupFolder.ResolveUnder(request.GroupsDir, request.Folder)
        from sessionsDir in GroupFolder.ResolveUnder(Path.Combine(request.DataDir, "sessions"), request.Folder)
        from ipcDir in GroupFolder.ResolveUnder(Path.Combine(request.DataDir, "ipc"), request.Folder)
        from snapshotsDir in SnapshotsDir(request.DataDir, request.Folder)
        from mediaDir in MediaDir(request.DataDir, request.Folder)
        let project = request.IsMain ? ProjectMounts(request) : Seq<VolumeMount>()
        let fixedMounts = Seq(
                Some(new VolumeMount(groupDir, GroupTarget, false)),
                !request.IsMain && request.GlobalExists
                    ? Some(new VolumeMount(Path.GetFullPath(Path.Combine(request.GroupsDir, GroupFolder.Global)), GlobalTarget, true))
                    : None,
                Some(new VolumeMount(Path.Combine(sessionsDir, ".claude"), ClaudeTarget, false)),
                request.SkillsDir.Map(s => new VolumeMount(Path.GetFullPath(s), SkillsTarget, true)),
                Some(new VolumeMount(ipcDir, IpcTarget, false)),
                Some(new VolumeMount(snapshotsDir, SnapshotsTarget, true)),
                Some(new VolumeMount(mediaDir, MediaTarget, true)),
                request.ApiSocket.Map(socket => new VolumeMount(socket, ApiSocketTarget, true)))

            .Somes()
        let extras = SortExtras(request)
        select new MountPlan(project + fixedMounts + extras.Kept, extras.Dropped);

    private static Seq<VolumeMount> ProjectMounts(MountPlanRequest request)
    {
        var root = Path.GetFullPath(request.ProjectRoot);
        var hidden = HiddenFromProject(request);
        var shadows = request.ExistingHidden
            .Filter(h => hidden.Exists(p => p == Path.GetFullPath(h.HostPath)))
            .DistinctBy(h => Path.GetFullPath(h.HostPath))
            .Map(h => new VolumeMount(
                h.IsDirectory ? Path.GetFullPath(request.EmptyDir) : NullDevice,
                ProjectTarget + "/" + Path.GetRelativePath(root, Path.GetFullPath(h.HostPath)).Replace('\\', '/'),
                true))
            // An empty directory is needed to shadow one; without it main gets no project at all rather than secrets.
            .ToSeq();
        var unshadowable = request.ExistingHidden.Exists(h => h.IsDirectory) && request.EmptyDir.Length == 0;
        return unshadowable ? Seq<VolumeMount>() : new VolumeMount(root, ProjectTarget, true).Cons(shadows);
    }

    private static (Seq<VolumeMount> Kept, Seq<(VolumeMount, string)> Dropped) SortExtras(MountPlanRequest request)
    {
        var protectedPaths = (Seq(request.ProjectRoot, request.GroupsDir, request.DataDir, request.Store, request.Logs, request.Credentials)
            + request.ProtectedDirs).Map(p => Path.GetFullPath(p));
        var kept = new List<VolumeMount>();
        var dropped = new List<(VolumeMount, string)>();
        foreach (var m in request.Extras)
        {
            var reason = ExtraProblem(m, protectedPaths, kept);
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
