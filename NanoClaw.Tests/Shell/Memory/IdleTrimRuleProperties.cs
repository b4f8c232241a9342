using FsCheck.Xunit;
using NanoClaw.Shell.Memory;

namespace NanoClaw.Tests.Shell.Memory;

/// <summary>
/// The idle trim (issue 16) runs exactly once per quiet stretch that follows work (and once at the first quiet period
/// after start), never in a period that allocated more than the quiet threshold.
/// </summary>
public sealed class IdleTrimRuleProperties
{
    private const long Quiet = IdleMemoryTrimmer.QuietBytes;

    [Property(MaxTest = 300)]
    [Trait("Category", "Property")]
    public void Trims_once_per_quiet_stretch_and_never_while_busy(bool[] busyPeriods)
    {
        var periods = busyPeriods ?? [];
        var state = new IdleTrimRule.State(0, false);
        long allocated = 0;
        var trims = new List<int>();
        for (var i = 0; i < periods.Length; i++)
        {
            allocated += periods[i] ? Quiet + 1 + i : i % 3 * (Quiet / 4); // busy: over the threshold; quiet: at most 1/2 of it
            (state, var trim) = IdleTrimRule.Step(state, allocated, Quiet);
            if (trim) trims.Add(i);
        }

        Assert.All(trims, i => Assert.False(periods[i]));
        // A quiet stretch starts at a quiet period whose predecessor was busy (or at the first period).
        var stretchStarts = Enumerable.Range(0, periods.Length).Where(i => !periods[i] && (i == 0 || periods[i - 1])).ToList();
        Assert.Equal(stretchStarts, trims);
    }
}
