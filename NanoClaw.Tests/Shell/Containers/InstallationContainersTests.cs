using NanoClaw.Shell.Daemon;
using NanoClaw.Tests.Support;
using static NanoClaw.Tests.Shell.Containers.ContainerTestData;

namespace NanoClaw.Tests.Shell.Containers;

/// <summary>
/// Which leftover <c>nanoclaw-*</c> containers a starting daemon treats as its own orphans, against real Podman.
/// Several installations (test suites, users) share one runtime, so a wrong answer stops another's agent.
/// </summary>
[Trait("Category", "Sandbox")]
public sealed class InstallationContainersTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("nanoclaw-owner-").FullName;
    private readonly List<string> started = [];

    public InstallationContainersTests()
    {
        if (Requirements.HasPodman) EnsureTestImage();
    }

    public void Dispose()
    {
        foreach (var name in started) Podman("rm", "-f", "--ignore", "-t", "0", name);
        Directory.Delete(root, recursive: true);
    }

    [PodmanFact]
    public void A_container_mounting_our_data_dir_is_ours_and_one_mounting_another_installations_is_not()
    {
        var ours = Path.Combine(root, "ours", "data");
        var theirs = Path.Combine(root, "theirs", "data");
        var mine = Sleeper("mine", Path.Combine(ours, "ipc", "family"));
        var foreign = Sleeper("foreign", Path.Combine(theirs, "ipc", "family"));

        var isOurs = InstallationContainers.Of("podman", ours);

        Assert.True(isOurs(mine));
        Assert.False(isOurs(foreign));
    }

    [PodmanFact]
    public void A_container_that_is_gone_when_inspected_is_nobodys_orphan()
    {
        // Another installation's run that ended between the daemon's `ps` and its `inspect`: stopping it would fail,
        // and reporting it as this daemon's orphan would be false.
        var gone = $"nanoclaw-gone-{Guid.NewGuid():N}";

        Assert.False(InstallationContainers.Of("podman", Path.Combine(root, "data"))(gone));
    }

    private string Sleeper(string tag, string mountSource)
    {
        Directory.CreateDirectory(mountSource);
        var name = $"nanoclaw-owner-{tag}-{Guid.NewGuid():N}";
        started.Add(name);
        var (exit, _) = Podman("run", "-d", "--rm", "--name", name, "-v", $"{mountSource}:/workspace/ipc:ro",
            "--entrypoint", "sleep", "localhost/nanoclaw-test:latest", "120");
        Assert.Equal(0, exit);
        return name;
    }
}
