namespace NanoClaw.Core.Containers;

/// <summary>One bind mount of a container run.</summary>
/// <param name="HostPath">Absolute host path (already resolved by the shell where it matters).</param>
/// <param name="ContainerPath">Absolute path inside the container.</param>
/// <param name="ReadOnly">True when the container may not write to it.</param>
public sealed record VolumeMount(string HostPath, string ContainerPath, bool ReadOnly);
