using LanguageExt;

namespace NanoClaw.Core.Domain;

/// <summary>A chat the assistant serves, with its own folder, memory and container (the <c>registered_groups</c> table).</summary>
/// <param name="Jid">Chat id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Folder">Folder name under <c>groups/</c>; validated by <see cref="Groups.GroupFolder"/>.</param>
/// <param name="Trigger">Trigger text, e.g. <c>@Andy</c>.</param>
/// <param name="AddedAt">ISO timestamp of registration.</param>
/// <param name="ContainerConfig">Per-group container settings, if any.</param>
/// <param name="RequiresTrigger">False when every message should wake the agent.</param>
/// <param name="IsMain">True for the user's private control chat.</param>
public sealed record RegisteredGroup(
    string Jid,
    string Name,
    string Folder,
    string Trigger,
    string AddedAt,
    Option<ContainerConfig> ContainerConfig,
    bool RequiresTrigger,
    bool IsMain);

/// <summary>Per-group container settings (stored as JSON in <c>registered_groups.container_config</c>).</summary>
/// <param name="AdditionalMounts">Extra host directories requested for the group; each is checked against the mount allowlist.</param>
/// <param name="TimeoutMs">Hard timeout override in milliseconds.</param>
public sealed record ContainerConfig(Seq<AdditionalMount> AdditionalMounts, Option<int> TimeoutMs);

/// <summary>An extra host directory a group asks to see under <c>/workspace/extra/</c>.</summary>
/// <param name="HostPath">Host path (may start with <c>~</c>).</param>
/// <param name="ContainerPath">Name under <c>/workspace/extra/</c>; defaults to the host directory's name.</param>
/// <param name="ReadOnly">Requested read-only (the default) or read-write.</param>
public sealed record AdditionalMount(string HostPath, Option<string> ContainerPath, bool ReadOnly);
