using System.Net;
using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt;
using NanoClaw.Core.Containers;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Status;
using NanoClaw.Core.Usage;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Dashboard;

/// <summary>The dashboard's pure parts: the usage chart (one bar per line, heights proportional) and the groups' states.</summary>
[Trait("Category", "Dashboard")]
public sealed class UsageChartTests
{
    private static UsageLine Line(string key, decimal cost, long tokens = 0) =>
        new(key, 1, 1, new TurnUsage(tokens, 0, 0, 0, cost, 1, 0));

    private static Seq<UsageLine> Lines(IEnumerable<int> cents) =>
        cents.Select((c, i) => Line($"2026-11-{i + 1:00}", c / 100m)).ToSeq().Strict();

    [Property]
    public bool One_bar_per_line_in_order(NonEmptyArray<NonNegativeInt> cents)
    {
        var lines = Lines(cents.Get.Select(c => c.Get % 100_000));
        var bars = UsageChart.Bars(lines, ChartMetric.Cost);
        return bars.Count == lines.Count && bars.Map(b => b.Key).SequenceEqual(lines.Map(l => l.Key))
               && bars.Zip(bars.Skip(1)).All(p => p.Item1.X < p.Item2.X);
    }

    [Property]
    public bool Heights_are_proportional_and_the_tallest_fills_the_plot(NonEmptyArray<PositiveInt> cents)
    {
        var values = cents.Get.Select(c => c.Get % 100_000 + 1).ToList();
        var bars = UsageChart.Bars(Lines(values), ChartMetric.Cost);
        var max = values.Max();
        return bars.Zip(values).All(p => Math.Abs(p.Item1.Height - (double)p.Item2 / max * UsageChart.PlotHeight) < 1e-6)
               && Math.Abs(bars.Max(b => b.Height) - UsageChart.PlotHeight) < 1e-9
               && bars.All(b => Math.Abs(b.Y + b.Height - bars[0].Y - bars[0].Height) < 1e-9); // common baseline
    }

    [Property]
    public bool The_svg_is_well_formed_with_one_rect_per_line_whatever_the_keys(NonEmptyArray<string> keys)
    {
        var lines = keys.Get.Select((k, i) => Line(new string((k ?? "").Where(c => !char.IsSurrogate(c)).ToArray()) + i, i + 1)).ToSeq().Strict();
        var svg = XElement.Parse(Xmlish(UsageChart.Svg("c", "<title>", lines, ChartMetric.Cost)));
        var rects = svg.Elements().Where(e => e.Name.LocalName == "rect").ToList();
        return rects.Count == lines.Count && rects.Select(r => (string?)r.Attribute("data-key")).SequenceEqual(lines.Map(l => (string?)Xmlish(l.Key)));
    }

    // The SVG is HTML (entities such as &#39;); as XML only the character references matter, and no raw control characters.
    private static string Xmlish(string svg) => new(svg.Where(c => !char.IsControl(c)).ToArray());

    [Fact]
    public void Example_three_days_and_no_data_means_no_bar()
    {
        var bars = UsageChart.Bars(Seq(Line("2026-11-15", 0.10m), Line("2026-11-18", 0.25m), Line("2026-11-19", 0.40m)), ChartMetric.Cost);
        Assert.Equal(new[] { 40d, 100d, 160d }, bars.Map(b => Math.Round(b.Height, 6)).ToArray());
        Assert.Empty(UsageChart.Bars(Empty, ChartMetric.Cost));
        Assert.Contains("no usage", UsageChart.Svg("c", "t", Empty, ChartMetric.Cost));
        Assert.Equal(ChartMetric.Tokens, UsageChart.MetricFor(Line("total", 0m, 5)));
        Assert.Equal(new[] { 160d, 80d }, UsageChart.Bars(Seq(Line("a", 0m, 10), Line("b", 0m, 5)), ChartMetric.Tokens).Map(b => b.Height).ToArray());
    }

    [Fact]
    public void A_hostile_key_is_encoded_in_the_svg()
    {
        var svg = UsageChart.Svg("c", "t", Seq1(Line("<script>alert(1)</script>\"'", 1m)), ChartMetric.Cost);
        Assert.DoesNotContain("<script>", svg);
        Assert.Contains(WebUtility.HtmlEncode("<script>alert(1)</script>\"'"), svg);
    }

    [Fact]
    public void Group_states_come_from_the_status_facts()
    {
        RegisteredGroup G(string folder) => new("jid-" + folder, "Name " + folder, folder, "@Andy", "2026-01-01T00:00:00.000Z", None, true, false);
        var status = new DaemonStatus(Empty,
            Seq(new RunningStatus("busy", "jid-busy", Some("nanoclaw-busy-1"), None, true, false, None),
                new RunningStatus("idle", "jid-idle", Some("nanoclaw-idle-1"), None, false, false, None),
                new RunningStatus("closing", "jid-closing", None, None, true, true, None)),
            Seq1(new WaitingStatus("waiting", true, 0)), Seq1(new RetryStatus("retrying", 2, 1)), Empty,
            Seq1(new GroupErrorStatus("asleep", "2026-11-01T00:00:00.000Z", "boom")), 3);
        var states = GroupStates.From(Seq(G("waiting"), G("busy"), G("idle"), G("closing"), G("retrying"), G("asleep")), status);
        Assert.Equal(
            new[] { ("asleep", "asleep", "-", "boom"), ("busy", "busy", "nanoclaw-busy-1", "-"), ("closing", "closing", "-", "-"),
             ("idle", "idle", "nanoclaw-idle-1", "-"), ("retrying", "retrying", "-", "-"), ("waiting", "waiting", "-", "-") },
            states.Map(s => (s.Folder, s.State, s.Container.IfNone("-"), s.LastError.IfNone("-"))).ToArray());
    }
}
