using NanoClaw.Core.Containers;

namespace NanoClaw.Shell.Containers;

/// <summary>A container run in progress.</summary>
/// <param name="Name">The container's name (<c>nanoclaw-&lt;folder&gt;-&lt;epoch ms&gt;</c>).</param>
/// <param name="Outputs">
/// Output records as they stream from stdout, before the container exits; replayed to late subscribers, completed
/// when the container is gone. New session ids arrive here (<see cref="ContainerOutput.NewSessionId"/>); the caller saves them.
/// </param>
/// <param name="Completion">The outcome per SPEC §7, once the container has exited and its log is written.</param>
/// <param name="Mounts">The mounts it was started with.</param>
public sealed record ContainerRun(string Name, IObservable<ContainerOutput> Outputs, Task<ContainerRunResult> Completion, LanguageExt.Seq<VolumeMount> Mounts);
