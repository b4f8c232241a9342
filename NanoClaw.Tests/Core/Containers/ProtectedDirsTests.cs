using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Containers;

/// <summary>F14: the store, the allowlists' directory and the like are never mounted, wherever they are; non-main is read-only by default.</summary>
public class ProtectedDirsTests
{
    private const string Project = "/srv/nanoclaw";
    private const string Store = "/var/lib/nanoclaw-store";
    private const string Config = "/home/u/.config/nanoclaw";

    private static MountPlanRequest Request(params VolumeMount[] extras) =>
        new MountPlanRequest(Project, Project + "/groups", Project + "/data", "family", false, true, toSeq(extras))
        {
            ProtectedDirs = Seq(Store, Config),
        };

    [Theory]
    [InlineData(Store)]
    [InlineData(Store + "/auth")]
    [InlineData("/var/lib")]          // a parent: it contains the store
    [InlineData(Config)]
    [InlineData("/home/u/.config")]
    [InlineData("/home/u")]
    public void An_extra_overlapping_a_protected_directory_is_dropped(string host)
    {
        var plan = MountPlanner.Plan(Request(new VolumeMount(host, MountPolicy.ExtraBase + "/x", false))).IfLeft(e => throw new InvalidOperationException(e));
        var (mount, reason) = Assert.Single(plan.Dropped);
        Assert.Equal(host, mount.HostPath);
        Assert.Contains("overlaps NanoClaw's own directory", reason);
        Assert.DoesNotContain(plan.Mounts, m => m.HostPath == host);
    }

    [Fact]
    public void An_unrelated_extra_is_kept() =>
        Assert.Contains(MountPlanner.Plan(Request(new VolumeMount("/home/u/docs", MountPolicy.ExtraBase + "/docs", true))).IfLeft(e => throw new InvalidOperationException(e)).Mounts,
            m => m.HostPath == "/home/u/docs");

    [Fact]
    public void Non_main_groups_get_extras_read_only_unless_the_allowlist_says_otherwise()
    {
        var silent = MountAllowlist.Parse("""{"allowedRoots":[{"path":"/home/u","allowReadWrite":true}]}""").IfLeft(e => throw new InvalidOperationException(e));
        var explicitFalse = MountAllowlist.Parse("""{"allowedRoots":[{"path":"/home/u","allowReadWrite":true}],"nonMainReadOnly":false}""").IfLeft(e => throw new InvalidOperationException(e));
        Assert.True(silent.NonMainReadOnly);
        Assert.False(explicitFalse.NonMainReadOnly);
    }

    [Property(MaxTest = 300)]
    [Trait("Category", "Property")]
    public Property No_planned_mount_overlaps_a_protected_directory() =>
        Prop.ForAll(
            Gen.ListOf(
                from host in Gen.Elements(Store, Store + "/auth", "/var/lib", "/var", "/", Config, Config + "/x", "/home/u/.config", "/home/u",
                    "/home/u/docs", "/home/u/music", "/opt/data")
                from name in Gen.Elements("a", "b", "c", "d")
                from ro in Gen.Elements(true, false)
                select new VolumeMount(host, MountPolicy.ExtraBase + "/" + name, ro)).ToArbitrary(),
            extras => MountPlanner.Plan(Request([.. extras.Take(6)])).Match(
                plan => plan.Mounts.ForAll(m => Seq(Store, Config).ForAll(p => !MountPolicy.IsUnder(m.HostPath, p) && !MountPolicy.IsUnder(p, m.HostPath))),
                _ => false));
}
