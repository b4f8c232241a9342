using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Groups;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Containers;

[Trait("Category", "Property")]
public class ContainerRulesProperties
{
    private static readonly Gen<string> ValidFolder =
        from first in Gen.Elements("aZ09".ToCharArray())
        from rest in ContainerGen.StringOf(Gen.Elements("abcXYZ019_-".ToCharArray()), 0, 20)
        let folder = first + rest
        where GroupFolder.IsValid(folder)
        select folder;

    [Property(MaxTest = 500)]
    public Property Container_names_round_trip_and_are_always_orphan_candidates() =>
        Prop.ForAll((from f in ValidFolder from ms in Gen.Choose(0, int.MaxValue).Select(i => (long)i * 1000 + 7) select (f, ms)).ToArbitrary(), x =>
        {
            var name = ContainerNaming.Name(x.f, x.ms);
            return ContainerNaming.Parse(name).Equals(Some<(string Folder, long EpochMs)>((x.f, x.ms)))
                   && ContainerNaming.IsOurs(name)
                   && ContainerNaming.ParseOrphans(ContainerCli.Docker, "web\n" + name + "\n").Contains(name);
        });

    [Property(MaxTest = 500)]
    public Property The_hard_timeout_is_never_below_either_bound_and_always_equals_one_of_them() =>
        Prop.ForAll((
            from g in Gen.OneOf(Gen.Constant(Option<int>.None), Gen.Choose(0, 10_000_000).Select(Some))
            from d in Gen.Choose(0, 10_000_000)
            from idle in Gen.Choose(0, 10_000_000)
            select (g, d, idle)).ToArbitrary(), x =>
        {
            var hard = TimeoutRules.HardTimeout(x.g, x.d, x.idle);
            var configured = TimeSpan.FromMilliseconds(x.g.IfNone(x.d));
            var floor = TimeSpan.FromMilliseconds(x.idle) + TimeSpan.FromSeconds(30);
            return hard >= configured && hard >= floor && (hard == configured || hard == floor);
        });

    [Property(MaxTest = 500)]
    public Property A_run_is_an_error_exactly_when_it_timed_out_silently_or_exited_non_zero_on_its_own() =>
        Prop.ForAll((
            from exit in Gen.Elements(0, 1, 2, 137, 143, -1)
            from timedOut in Gen.Elements(true, false)
            from hadOutput in Gen.Elements(true, false)
            select (exit, timedOut, hadOutput)).ToArbitrary(), x =>
        {
            var r = TimeoutRules.Outcome(x.exit, x.timedOut, x.hadOutput, TimeSpan.Zero, TimeSpan.FromSeconds(1));
            var expectError = x.timedOut ? !x.hadOutput : x.exit != 0;
            return (r.Status == OutputStatus.Error) == expectError && r.Error.IsSome == expectError;
        });
}
