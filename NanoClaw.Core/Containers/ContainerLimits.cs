namespace NanoClaw.Core.Containers;

/// <summary>
/// What bounds one agent container (<c>container.memory</c>, <c>pids_limit</c>, <c>cpus</c>, <c>read_only_root</c>,
/// <c>drop_capabilities</c>, <c>no_new_privileges</c>). Empty text or 0 means "no limit" for that resource.
/// </summary>
/// <param name="Memory">Memory limit in the runtimes' syntax (<c>2g</c>, <c>512m</c>); also the swap limit, so the
/// container cannot page past it. Empty for none.</param>
/// <param name="PidsLimit">Most processes and threads at once; 0 for none.</param>
/// <param name="Cpus">CPU share as a decimal (<c>2</c>, <c>0.5</c>); empty for none.</param>
/// <param name="ReadOnlyRoot">Root filesystem read-only, with private tmpfs on <c>/tmp</c> and the home directory.</param>
/// <param name="DropCapabilities"><c>--cap-drop=ALL</c>.</param>
/// <param name="NoNewPrivileges"><c>--security-opt=no-new-privileges</c>.</param>
public sealed record ContainerLimits(
    string Memory,
    int PidsLimit,
    string Cpus,
    bool ReadOnlyRoot,
    bool DropCapabilities,
    bool NoNewPrivileges)
{
    /// <summary>No limits at all (what runs looked like before limits existed).</summary>
    public static ContainerLimits None { get; } = new("", 0, "", false, false, false);

    /// <summary>The shipped defaults: 2 GiB, 512 processes, 2 CPUs, read-only root, no capabilities, no new privileges.</summary>
    public static ContainerLimits Default { get; } = new("2g", 512, "2", true, true, true);
}
