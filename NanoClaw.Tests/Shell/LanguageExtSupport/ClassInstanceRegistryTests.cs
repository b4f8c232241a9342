using LanguageExt.ClassInstances;
using LanguageExt.TypeClasses;
using NanoClaw.Shell.LanguageExtSupport;
using NanoClaw.Tests.Fault;

namespace NanoClaw.Tests.Shell.LanguageExtSupport;

/// <summary>
/// The registry built from metadata is the one LanguageExt's own scan builds (so every default trait resolves as
/// before), and the daemon no longer pays for that scan (issue 16: ~50 000 type loads, ~30 MB of runtime memory).
/// </summary>
[Trait("Category", "Memory")]
public sealed class ClassInstanceRegistryTests
{
    [Fact]
    public void The_registry_equals_the_one_LanguageExt_scans_for()
    {
        var theirs = new ClassInstancesAssembly(); // LanguageExt's scan: the test host, this assembly, LanguageExt.Core and their references
        var ours = ClassInstanceRegistry.Build([typeof(Typeclass).Assembly, typeof(NanoClaw.Core.Domain.RegisteredGroup).Assembly,
            typeof(NanoClaw.Shell.Daemon.DaemonHost).Assembly, typeof(ClassInstanceRegistryTests).Assembly]);

        Assert.True(theirs.Error.IsNone, $"LanguageExt's scan failed: {theirs.Error}");
        Assert.True(theirs.AllClassInstances.Count > 1000, $"only {theirs.AllClassInstances.Count} class instances: the comparison would say little");
        // Same instances in the same first-seen order (LanguageExt lists an assembly twice; lookups take the first by name).
        Assert.Equal(theirs.AllClassInstances.Distinct().ToList(), ours.AllClassInstances);
        Assert.Equal(theirs.ClassInstances.Keys.OrderBy(k => k.AssemblyQualifiedName), ours.ClassInstances.Keys.OrderBy(k => k.AssemblyQualifiedName));
        foreach (var (typeclass, instances) in theirs.ClassInstances)
            Assert.True(instances.SetEquals(ours.ClassInstances[typeclass]), $"instances of {typeclass} differ");
    }

    [Fact]
    public async Task A_daemon_with_two_groups_never_loads_the_assemblies_it_does_not_use()
    {
        await using var daemon = new DaemonHarness();
        await daemon.StartAsync(); // creates and migrates the store
        await daemon.WaitForOutputAsync(lines => Running(lines) >= 1, TimeSpan.FromSeconds(60), "the first start to finish");
        await daemon.StopAsync();
        daemon.RegisterGroup("local:second", "second", requiresTrigger: false);
        daemon.RegisterGroup("local:third", "third", requiresTrigger: false);
        await daemon.StartAsync();
        await daemon.WaitForOutputAsync(lines => Running(lines) >= 2, TimeSpan.FromSeconds(60), "the second start to finish");

        // Telegram is off, so only LanguageExt's all-assemblies scan would load Telegram.Bot (it did, with 2+ groups).
        var maps = await File.ReadAllTextAsync($"/proc/{daemon.Pid}/maps");
        Assert.DoesNotContain("Telegram.Bot.dll", maps, StringComparison.Ordinal);
        Assert.Contains("LanguageExt.Core.dll", maps, StringComparison.Ordinal);
        Assert.Contains("3 groups", daemon.Output, StringComparison.Ordinal);
    }

    private static int Running(IReadOnlyList<string> lines) => lines.Count(l => l.Contains("NanoClaw running", StringComparison.Ordinal));
}
