using LanguageExt;
using NanoClaw.Core.Config;
using static LanguageExt.Prelude;

namespace NanoClaw.Core.Containers;

/// <summary>A concrete container CLI (what <see cref="ContainerRuntimeKind.Auto"/> resolves to).</summary>
public enum ContainerCli
{
    /// <summary>Apple Container (<c>container</c>).</summary>
    Apple,
    /// <summary>Docker (<c>docker</c>).</summary>
    Docker,
    /// <summary>Podman (<c>podman</c>).</summary>
    Podman,
}

/// <summary>Everything a <c>run</c> command line is made of.</summary>
/// <param name="Name">Container name (see <see cref="ContainerNaming"/>).</param>
/// <param name="Mounts">Bind mounts.</param>
/// <param name="TimeZone">IANA zone passed as <c>TZ</c>.</param>
/// <param name="HostUid">Uid of the host process.</param>
/// <param name="HostGid">Gid of the host process.</param>
/// <param name="Image">Image reference.</param>
/// <param name="ExtraEnv">Further environment variables (never secrets: those go on stdin), in order.</param>
public sealed record ContainerRunSpec(
    string Name,
    Seq<VolumeMount> Mounts,
    string TimeZone,
    int HostUid,
    int HostGid,
    string Image,
    Seq<(string Name, string Value)> ExtraEnv)
{
    /// <summary>
    /// The daemon itself runs as a non-root user (so Podman is rootless). Not <see cref="HostUid"/>: a root daemon runs
    /// containers as <c>container.agent_uid</c>, and rootful Podman refuses <c>--userns=keep-id</c>.
    /// </summary>
    public bool Rootless { get; init; }

    /// <summary>Network to join (<c>--network</c>); empty for the runtime's default.</summary>
    public string Network { get; init; } = "";

    /// <summary>Resource and privilege limits; <see cref="ContainerLimits.None"/> unless the caller sets them.</summary>
    public ContainerLimits Limits { get; init; } = ContainerLimits.None;
}

/// <summary>Argument lists for the three runtimes (SPEC §7). Pure: the shell runs them.</summary>
public static class RuntimeCommand
{
    /// <summary>The CLI's executable name.</summary>
    public static string Executable(ContainerCli cli) => cli switch
    {
        ContainerCli.Apple => "container",
        ContainerCli.Docker => "docker",
        _ => "podman",
    };

    /// <summary>The order <c>auto</c> tries runtimes in, or the one configured.</summary>
    public static Seq<ContainerCli> Candidates(ContainerRuntimeKind kind) => kind switch
    {
        ContainerRuntimeKind.Apple => Seq1(ContainerCli.Apple),
        ContainerRuntimeKind.Docker => Seq1(ContainerCli.Docker),
        ContainerRuntimeKind.Podman => Seq1(ContainerCli.Podman),
        _ => Seq(ContainerCli.Apple, ContainerCli.Docker, ContainerCli.Podman),
    };

    /// <summary>
    /// The <c>--user</c> value when the container must run as the host user: only when the host uid is neither
    /// root (0) nor the image's own <c>node</c> user (1000), so files it writes in mounts stay the user's.
    /// </summary>
    public static Option<string> UserMapping(int uid, int gid) =>
        uid == 0 || uid == 1000 ? None : Some($"{uid}:{gid}");

    /// <summary>
    /// True for Podman run by a non-root daemon, i.e. rootless Podman: <c>--userns=keep-id</c> maps the daemon's uid to
    /// the same uid inside. Without it the container's uids are the user's subordinate ids and the daemon's own files in
    /// the writable mounts belong to the container's root, so the agent (<c>--user</c> uid:gid, or the image's node)
    /// could not write its group folder, session store or IPC directory.
    /// </summary>
    public static bool RootlessKeepId(ContainerCli cli, bool rootless) => cli == ContainerCli.Podman && rootless;

    /// <summary>Home of the image's user; a tmpfs when the root filesystem is read-only.</summary>
    public const string ContainerHome = "/home/node";

    /// <summary><c>run -i --rm --name NAME [limits] [mounts] [env] [--userns=keep-id] [--user] IMAGE</c>.</summary>
    public static Seq<string> Run(ContainerCli cli, ContainerRunSpec spec)
    {
        var args = new List<string> { "run", "-i", "--rm", "--name", spec.Name };
        if (spec.Network.Length > 0) args.AddRange(["--network", spec.Network]);
        args.AddRange(LimitArgs(cli, spec.Limits));
        foreach (var m in spec.Mounts) args.AddRange(MountArgs(cli, m));
        args.AddRange(["-e", $"TZ={spec.TimeZone}"]);
        if (RootlessKeepId(cli, spec.Rootless)) args.Add("--userns=keep-id");
        var user = UserMapping(spec.HostUid, spec.HostGid);
        user.IfSome(u =>
        {
            args.AddRange(["--user", u]);
            args.AddRange(["-e", "HOME=/home/node"]);
        });
        foreach (var (name, value) in spec.ExtraEnv) args.AddRange(["-e", $"{name}={value}"]);
        args.Add(spec.Image);
        return toSeq(args);
    }

    /// <summary>
    /// The limit flags. Docker and Podman: <c>--memory</c> with <c>--memory-swap</c> at the same value (no swap past
    /// the limit), <c>--pids-limit</c>, <c>--cpus</c>, <c>--cap-drop=ALL</c>, <c>--security-opt=no-new-privileges</c>,
    /// <c>--read-only</c> with tmpfs on <c>/tmp</c> and <see cref="ContainerHome"/> (Claude Code writes <c>~/.claude.json</c>, caches and Chromium profiles there; the session store is a bind
    /// mount under it). Apple Container runs each container in its own VM and takes only <c>--memory</c> and
    /// <c>--cpus</c>; the rest is not passed (see NanoClaw.Shell/Containers/README.md).
    /// </summary>
    public static Seq<string> LimitArgs(ContainerCli cli, ContainerLimits limits)
    {
        var args = new List<string>();
        if (limits.Memory.Length > 0) args.AddRange(["--memory", limits.Memory]);
        if (limits.Cpus.Length > 0) args.AddRange(["--cpus", cli == ContainerCli.Apple ? WholeCpus(limits.Cpus) : limits.Cpus]);
        if (cli == ContainerCli.Apple) return toSeq(args);
        if (limits.Memory.Length > 0) args.AddRange(["--memory-swap", limits.Memory]);
        if (limits.PidsLimit > 0) args.AddRange(["--pids-limit", limits.PidsLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (limits.DropCapabilities) args.Add("--cap-drop=ALL");
        if (limits.NoNewPrivileges) args.Add("--security-opt=no-new-privileges");
        if (limits.ReadOnlyRoot)
        {
            // Mode 1777 rather than uid=: Podman 4 refuses a uid option on --tmpfs, and the container may run as the
            // image's user or as the host's uid. Nothing else runs in the container, so the sticky world-writable home
            // shares nothing.
            args.AddRange(["--read-only", "--tmpfs", "/tmp:rw,nosuid,nodev,mode=1777", "--tmpfs", $"{ContainerHome}:rw,nosuid,nodev,mode=1777"]);
        }
        return toSeq(args);
    }

    /// <summary>Apple Container sizes a VM in whole CPUs: a fractional share is rounded up.</summary>
    private static string WholeCpus(string cpus) =>
        decimal.TryParse(cpus, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? Math.Max(1, Math.Ceiling(v)).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : cpus;

    /// <summary>
    /// One mount's arguments. Read-only: <c>--mount type=bind,source=…,target=…,readonly</c> on Apple Container,
    /// <c>-v host:ctr:ro</c> on Docker/Podman. Read-write: <c>-v host:ctr</c> everywhere.
    /// </summary>
    public static Seq<string> MountArgs(ContainerCli cli, VolumeMount m) =>
        !m.ReadOnly ? Seq("-v", $"{m.HostPath}:{m.ContainerPath}")
        : cli == ContainerCli.Apple ? Seq("--mount", $"type=bind,source={m.HostPath},target={m.ContainerPath},readonly")
        : Seq("-v", $"{m.HostPath}:{m.ContainerPath}:ro");

    /// <summary>Checks the runtime answers: <c>system status</c> (Apple) or <c>info</c>.</summary>
    public static Seq<string> Info(ContainerCli cli) =>
        cli == ContainerCli.Apple ? Seq("system", "status") : Seq1("info");

    /// <summary>Starts the runtime's service when it is down (Apple only: <c>system start</c>).</summary>
    public static Option<Seq<string>> StartService(ContainerCli cli) =>
        cli == ContainerCli.Apple ? Some(Seq("system", "start")) : None;

    /// <summary>Graceful stop: SIGTERM, then the runtime kills after <paramref name="graceSeconds"/>.</summary>
    public static Seq<string> Stop(ContainerCli cli, string name, int graceSeconds) =>
        Seq("stop", "-t", Math.Max(0, graceSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), name);

    /// <summary>Immediate kill, used when a graceful stop did not finish.</summary>
    public static Seq<string> Kill(ContainerCli cli, string name) => Seq("kill", name);

    /// <summary>Lists running containers so orphans can be found (parse with <see cref="ContainerNaming.ParseOrphans"/>).</summary>
    public static Seq<string> ListRunning(ContainerCli cli) =>
        cli == ContainerCli.Apple
            ? Seq("ls", "--format", "json")
            : Seq("ps", "--filter", $"name={ContainerNaming.Prefix}", "--format", "{{.Names}}");
}
