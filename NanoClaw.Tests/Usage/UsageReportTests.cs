using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Usage;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Usage;

/// <summary>The report's pure rules: grouping, totals, <c>--since</c>.</summary>
[Trait("Category", "Dashboard")]
public sealed class UsageReportTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 7, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Property(Arbitrary = [typeof(TurnArbitrary)])]
    public bool Lines_partition_the_selected_turns_and_sum_to_the_total(UsageTurn[] turns, UsageGrouping by)
    {
        var report = UsageReports.Summarize(turns, by, Berlin);
        var summed = report.Lines.Fold(TurnUsage.Zero, (sum, l) => UsageReports.Add(sum, l.Usage));
        return summed == report.Total.Usage
            && report.Lines.Sum(l => l.Turns) == turns.Length
            && report.Total.Runs == turns.Select(t => t.RunId).Distinct().Count()
            && report.Lines.Map(l => l.Key).Distinct().Count() == report.Lines.Count;
    }

    [Fact]
    public void Days_are_calendar_days_in_the_configured_zone()
    {
        // 23:30 UTC on the 1st is already the 2nd in Berlin.
        var late = new UsageTurn(1, "family", None, new DateTimeOffset(2026, 11, 1, 23, 30, 0, TimeSpan.Zero), new TurnUsage(1, 1, 0, 0, 0.5m, 1, 1));
        var report = UsageReports.Summarize([late], UsageGrouping.Day, Berlin);
        Assert.Equal("2026-11-02", Assert.Single(report.Lines).Key);
    }

    [Fact]
    public void Since_and_group_select_before_summing()
    {
        var turns = new[]
        {
            new UsageTurn(1, "family", None, Now.AddDays(-2), new TurnUsage(10, 0, 0, 0, 1m, 1, 0)),
            new UsageTurn(2, "family", None, Now.AddDays(-9), new TurnUsage(20, 0, 0, 0, 2m, 1, 0)),
            new UsageTurn(3, "main", Some("t1"), Now.AddHours(-1), new TurnUsage(40, 0, 0, 0, 4m, 1, 0)),
        };
        var report = UsageReports.Summarize(turns, UsageGrouping.Group, Berlin, Some(Now.AddDays(-7)), Some("family"));
        Assert.Equal(new UsageLine("total", 1, 1, new TurnUsage(10, 0, 0, 0, 1m, 1, 0)), report.Total);
    }

    [Theory]
    [InlineData("7d", "2026-11-23T07:00:00Z")]
    [InlineData("12h", "2026-11-29T19:00:00Z")]
    [InlineData("30m", "2026-11-30T06:30:00Z")]
    [InlineData("2w", "2026-11-16T07:00:00Z")]
    [InlineData("2026-11-01", "2026-10-31T23:00:00Z")]
    [InlineData("2026-11-01T08:00:00Z", "2026-11-01T08:00:00Z")]
    public void Since_reads_ages_and_dates(string text, string expected)
    {
        var since = UsageReports.ParseSince(text, Now, Berlin).Match(s => s, e => throw new Xunit.Sdk.XunitException(e));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), since);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("-7d")]
    [InlineData("7y")]
    [InlineData("9999999d")]
    [InlineData("tomorrow")]
    public void Since_refuses_anything_else(string text) => Assert.True(UsageReports.ParseSince(text, Now, Berlin).IsLeft);

    public static class TurnArbitrary
    {
        public static Arbitrary<UsageTurn> Turns() => Arb.From(
            from run in Gen.Choose(1, 6)
            from g in Gen.Elements("main", "family", "work")
            from task in Gen.Elements<string?>(null, "t1", "t2")
            from minutes in Gen.Choose(0, 60 * 24 * 20)
            from i in Gen.Choose(0, 100_000)
            from o in Gen.Choose(0, 100_000)
            from micro in Gen.Choose(0, 10_000_000)
            select new UsageTurn(run, g, Optional(task), Now.AddMinutes(-minutes), new TurnUsage(i, o, i / 2, o / 3, micro / 1_000_000m, 1, minutes)));
    }
}
