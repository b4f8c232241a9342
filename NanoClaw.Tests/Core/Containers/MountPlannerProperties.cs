using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Containers;

[Trait("Category", "Property")]
public class MountPlannerProperties
{
    private const string Project = "/srv/nanoclaw";
    private static readonly string Groups = Project + "/groups";
    private static readonly string Data = Project + "/data";

    private static readonly Gen<string> Folder = Gen.Elements("alpha", "beta", "family-chat", "Team_1", "main", "x");

    // Extras as an over-wide allowlist might admit them: the project, its parts, other groups, and harmless places.
    private static readonly Gen<VolumeMount> Extra =
        from host in Gen.Elements(Project, Groups, Groups + "/beta", Groups + "/alpha/sub", Data, Data + "/ipc/beta", "/srv",
            "/", "/home/u/docs", "/home/u/music", Project + "/store", "/home/u/docs/a", "/var/lib/nanoclaw-store/auth", "/var/log", "/var/log/nanoclaw")
        from name in Gen.Elements("docs", "music", "x", "../escape", "a:b", "project", "docs")
        from ro in Gen.Elements(true, false)
        select new VolumeMount(host, MountPolicy.ExtraBase + "/" + name, ro);

    // The store and logs either inside the project (the default) or elsewhere (paths.store_dir, logging.file).
    private static readonly Gen<(string Store, string Logs, string Credentials)> Secrets =
        from store in Gen.Elements(Project + "/store", "/var/lib/nanoclaw-store", "")
        from logs in Gen.Elements(Project + "/logs", "/var/log/nanoclaw", "")
        from creds in Gen.Elements(Project + "/credentials.yml", "")
        select (store, logs, creds);

    private static readonly Gen<MountPlanRequest> Request =
        from folder in Folder
        from isMain in Gen.Elements(true, false)
        from global in Gen.Elements(true, false)
        from extras in Gen.ListOf(Extra)
        from secrets in Secrets
        from skills in Gen.Elements(true, false)
        from existing in Gen.ListOf(Gen.Elements(true, false))
        let bare = new MountPlanRequest(Project, Groups, Data, folder, isMain, global, toSeq(extras.Take(6)))
        {
            StoreDir = secrets.Store,
            LogsDir = secrets.Logs,
            CredentialsFile = secrets.Credentials,
            SkillsDir = skills ? Some(Project + "/container/skills") : None,
            EmptyDir = Data + "/empty",
        }
        // Any subset of the hidden paths exists on the host; the credentials file is a file, the rest directories.
        let hidden = Enumerable.Zip(MountPlanner.HiddenFromProject(bare).AsEnumerable(), existing.Concat(Enumerable.Repeat(true, 8)))
            .Where(x => x.Second)
            .Select(x => new HiddenPath(x.First, !x.First.EndsWith(".yml", StringComparison.Ordinal)))
        select bare with { ExistingHidden = toSeq(hidden.ToList()) };

    private static string StoreOf(MountPlanRequest r) => r.StoreDir.Length > 0 ? r.StoreDir : Project + "/store";
    private static string LogsOf(MountPlanRequest r) => r.LogsDir.Length > 0 ? r.LogsDir : Project + "/logs";
    private static string CredentialsOf(MountPlanRequest r) => r.CredentialsFile.Length > 0 ? r.CredentialsFile : Project + "/credentials.yml";

    [Property(MaxTest = 500)]
    public Property Only_the_group_folder_its_session_store_and_its_ipc_dir_are_writable_besides_admitted_extras() =>
        Prop.ForAll(Request.ToArbitrary(), req =>
            MountPlanner.Plan(req).Match(
                Left: _ => false,
                Right: plan => plan.Mounts
                    .Filter(m => !m.ReadOnly && !m.ContainerPath.StartsWith(MountPolicy.ExtraBase + "/", StringComparison.Ordinal))
                    .Map(m => (m.HostPath, m.ContainerPath))
                    .OrderBy(x => x.ContainerPath)
                    .SequenceEqual(new[]
                    {
                        (Data + "/sessions/" + req.Folder + "/.claude", MountPlanner.ClaudeTarget),
                        (Data + "/ipc/" + req.Folder, MountPlanner.IpcTarget),
                        (Groups + "/" + req.Folder, MountPlanner.GroupTarget),
                    }.OrderBy(x => x.Item2))));

    [Property(MaxTest = 500)]
    public Property Snapshots_media_skills_project_shadows_and_global_are_read_only() =>
        Prop.ForAll(Request.ToArbitrary(), req =>
            MountPlanner.Plan(req).Match(
                Left: _ => false,
                Right: plan =>
                    plan.Mounts.Filter(m => m.ContainerPath == MountPlanner.SnapshotsTarget || m.ContainerPath == MountPlanner.SkillsTarget
                            || m.ContainerPath == MountPlanner.MediaTarget
                            || MountPolicy.IsUnder(m.ContainerPath, MountPlanner.ProjectTarget) || m.ContainerPath == MountPlanner.GlobalTarget)
                        .ForAll(m => m.ReadOnly)
                    && plan.Mounts.Exists(m => m.ContainerPath == MountPlanner.SnapshotsTarget && m.HostPath == Data + "/snapshots/" + req.Folder)
                    && plan.Mounts.Count(m => m.ContainerPath == MountPlanner.MediaTarget) == 1
                    && plan.Mounts.Exists(m => m.ContainerPath == MountPlanner.MediaTarget && m.HostPath == Data + "/media/" + req.Folder && m.ReadOnly)
                    && req.SkillsDir.IsSome == plan.Mounts.Exists(m => m.ContainerPath == MountPlanner.SkillsTarget)));

    [Property(MaxTest = 500)]
    public Property No_mount_source_is_under_the_store_the_logs_or_the_credentials_file() =>
        Prop.ForAll(Request.ToArbitrary(), req =>
            MountPlanner.Plan(req).Match(
                Left: _ => false,
                Right: plan => plan.Mounts.ForAll(m =>
                    !MountPolicy.IsUnder(m.HostPath, StoreOf(req))
                    && !MountPolicy.IsUnder(m.HostPath, LogsOf(req))
                    && m.HostPath != CredentialsOf(req))));

    [Property(MaxTest = 500)]
    public Property Main_sees_every_existing_secret_in_the_project_only_as_an_empty_read_only_shadow() =>
        Prop.ForAll(Request.Select(r => r with { IsMain = true }).ToArbitrary(), req =>
            MountPlanner.Plan(req).Match(
                Left: _ => false,
                Right: plan => req.ExistingHidden.ForAll(h =>
                    plan.Mounts.Exists(m =>
                        m.ContainerPath == MountPlanner.ProjectTarget + h.HostPath[Project.Length..]
                        && m.ReadOnly
                        && m.HostPath == (h.IsDirectory ? Data + "/empty" : MountPlanner.NullDevice)))
                    // Every hidden path inside the project is one of store, data, logs, credentials.
                    && MountPlanner.HiddenFromProject(req).ForAll(p => MountPolicy.IsUnder(p, Project))
                    && MountPlanner.HiddenFromProject(req).Exists(p => p == Data)));

    private static bool Overlaps(string a, string b) => MountPolicy.IsUnder(a, b) || MountPolicy.IsUnder(b, a);

    [Property(MaxTest = 500)]
    public Property A_non_main_group_never_sees_the_project_root_or_another_groups_folder() =>
        Prop.ForAll(Request.Select(r => r with { IsMain = false }).ToArbitrary(), req =>
            MountPlanner.Plan(req).Match(
                Left: _ => false,
                Right: plan =>
                {
                    var own = Groups + "/" + req.Folder;
                    var global = Groups + "/global";
                    return plan.Mounts.ForAll(m =>
                        m.ContainerPath != MountPlanner.ProjectTarget
                        && !MountPolicy.IsUnder(Project, m.HostPath)          // nothing containing the project root
                        && (!MountPolicy.IsUnder(m.HostPath, Groups)          // inside groups/ only its own folder or global (ro)
                            || MountPolicy.IsUnder(m.HostPath, own)
                            || (m.HostPath == global && m.ReadOnly)));
                }));

    [Property(MaxTest = 500)]
    public Property Every_group_gets_its_own_folder_session_and_ipc_read_write_and_main_the_project_read_only() =>
        Prop.ForAll(Request.ToArbitrary(), req =>
            MountPlanner.Plan(req).Match(
                Left: _ => false,
                Right: plan =>
                {
                    var m = plan.Mounts;
                    bool Has(string host, string target, bool ro) => m.Exists(x => x.HostPath == host && x.ContainerPath == target && x.ReadOnly == ro);
                    return Has(Groups + "/" + req.Folder, MountPlanner.GroupTarget, false)
                           && Has(Data + "/sessions/" + req.Folder + "/.claude", MountPlanner.ClaudeTarget, false)
                           && Has(Data + "/ipc/" + req.Folder, MountPlanner.IpcTarget, false)
                           && (req.IsMain == Has(Project, MountPlanner.ProjectTarget, true))
                           && (!req.IsMain && req.GlobalExists) == Has(Groups + "/global", MountPlanner.GlobalTarget, true)
                           && m.Map(x => x.ContainerPath).Distinct().Count() == m.Count
                           && m.Filter(x => x.ContainerPath.StartsWith("/workspace/extra/")).ForAll(x =>
                                  !Overlaps(x.HostPath, Project) && !Overlaps(x.HostPath, Groups) && !Overlaps(x.HostPath, Data)
                                  && !Overlaps(x.HostPath, StoreOf(req)) && !Overlaps(x.HostPath, LogsOf(req)))
                           && plan.Dropped.Count + m.Count(x => x.ContainerPath.StartsWith("/workspace/extra/")) == req.Extras.Count;
                }));

    [Property(MaxTest = 500)]
    public Property Every_mount_is_rendered_in_each_runtimes_arguments_with_its_mode() =>
        Prop.ForAll((
            from req in Request
            from uid in Gen.Elements(0, 1000, 501, 1001)
            select (req, uid)).ToArbitrary(), x =>
            MountPlanner.Plan(x.req).Match(
                Left: _ => false,
                Right: plan => new[] { ContainerCli.Apple, ContainerCli.Docker, ContainerCli.Podman }.All(cli =>
                {
                    var spec = new ContainerRunSpec("nanoclaw-x-1", plan.Mounts, "UTC", x.uid, x.uid, "img", Seq<(string, string)>());
                    var rendered = ReadMounts(cli, RuntimeCommand.Run(cli, spec).ToArray());
                    return rendered.SequenceEqual(plan.Mounts.Map(m => (m.HostPath, m.ContainerPath, m.ReadOnly)));
                })));

    /// <summary>Reads the mounts back out of an argument list, the way the runtime would.</summary>
    private static List<(string Host, string Target, bool ReadOnly)> ReadMounts(ContainerCli cli, string[] args)
    {
        var mounts = new List<(string, string, bool)>();
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "-v")
            {
                var parts = args[i + 1].Split(':');
                mounts.Add(parts.Length == 3 && parts[2] == "ro" ? (parts[0], parts[1], true)
                    : parts.Length == 2 ? (parts[0], parts[1], false)
                    : ("?", "?", false));
            }
            else if (args[i] == "--mount")
            {
                if (cli != ContainerCli.Apple) { mounts.Add(("?", "?", false)); continue; }
                var fields = args[i + 1].Split(',');
                var kv = fields.Where(f => f.Contains('=')).ToDictionary(f => f[..f.IndexOf('=')], f => f[(f.IndexOf('=') + 1)..]);
                mounts.Add((kv.GetValueOrDefault("source", "?"), kv.GetValueOrDefault("target", "?"), fields.Contains("readonly")));
            }
        }
        return mounts;
    }
}
