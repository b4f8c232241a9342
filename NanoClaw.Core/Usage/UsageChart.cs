using System.Globalization;
using System.Net;
using System.Text;
using LanguageExt;

namespace NanoClaw.Core.Usage;

/// <summary>One bar of a usage chart: where it is drawn and what it stands for.</summary>
/// <param name="Key">The line's key (day or group folder), as given (not encoded).</param>
/// <param name="Value">The value drawn (cost in USD, or tokens).</param>
/// <param name="X">Left edge in SVG units.</param>
/// <param name="Y">Top edge in SVG units.</param>
/// <param name="Width">Width in SVG units.</param>
/// <param name="Height">Height in SVG units, proportional to <paramref name="Value"/>.</param>
public sealed record ChartBar(string Key, decimal Value, double X, double Y, double Width, double Height);

/// <summary>What a usage chart measures.</summary>
public enum ChartMetric
{
    /// <summary>Cost in USD as Claude Code reported it.</summary>
    Cost,
    /// <summary>Input plus output tokens (cache tokens excluded).</summary>
    Tokens,
}

/// <summary>
/// Usage charts rendered on the server (pure): one bar per report line (a day with data, or a group), heights
/// proportional to the value, the tallest filling the plot. Every key is HTML-encoded: group folders came from chats.
/// </summary>
public static class UsageChart
{
    /// <summary>Plot height in SVG units (the tallest bar).</summary>
    public const double PlotHeight = 160;

    /// <summary>Width of one bar's slot in SVG units.</summary>
    public const double Slot = 48;

    private const double Top = 20;
    private const double Bottom = 40;
    private const double BarWidth = 32;

    /// <summary>The value a line contributes under <paramref name="metric"/>.</summary>
    public static decimal ValueOf(UsageLine line, ChartMetric metric) => metric == ChartMetric.Cost
        ? line.Usage.CostUsd
        : line.Usage.InputTokens + line.Usage.OutputTokens;

    /// <summary>Cost when any was reported, tokens otherwise (a gateway or runner that reports no cost still gets a chart).</summary>
    public static ChartMetric MetricFor(UsageLine total) => total.Usage.CostUsd > 0m ? ChartMetric.Cost : ChartMetric.Tokens;

    /// <summary>The bars for <paramref name="lines"/> in their order: one per line, heights proportional to the value.</summary>
    public static Seq<ChartBar> Bars(Seq<UsageLine> lines, ChartMetric metric)
    {
        var values = lines.Map(l => (l.Key, Value: Math.Max(0m, ValueOf(l, metric)))).ToArray();
        var max = values.Length == 0 ? 0m : values.Max(v => v.Value);
        return values.Select((v, i) =>
        {
            var height = max == 0m ? 0d : (double)(v.Value / max) * PlotHeight;
            return new ChartBar(v.Key, v.Value, i * Slot + (Slot - BarWidth) / 2, Top + PlotHeight - height, BarWidth, height);
        }).ToSeq().Strict();
    }

    /// <summary>
    /// The chart as an inline SVG element with the given <paramref name="id"/>: one <c>rect class="bar"</c> per line
    /// (with <c>data-key</c> and <c>data-value</c>), the key under each bar and the value in its tooltip.
    /// </summary>
    public static string Svg(string id, string title, Seq<UsageLine> lines, ChartMetric metric)
    {
        var bars = Bars(lines, metric);
        var width = Math.Max(1, bars.Count) * Slot;
        var height = Top + PlotHeight + Bottom;
        var svg = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<svg id=\"{Enc(id)}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:0}\" height=\"{height:0}\" viewBox=\"0 0 {width:0} {height:0}\" role=\"img\">")
            .Append("<title>").Append(Enc(title)).Append("</title>");
        if (bars.IsEmpty)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{Top + PlotHeight / 2:0}\" class=\"empty\">no usage</text>");
        foreach (var b in bars)
        {
            var shown = Shown(b.Value, metric);
            svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"bar\" data-key=\"{Enc(b.Key)}\" data-value=\"{b.Value.ToString(CultureInfo.InvariantCulture)}\" x=\"{b.X:0.##}\" y=\"{b.Y:0.##}\" width=\"{b.Width:0.##}\" height=\"{b.Height:0.##}\">")
                .Append("<title>").Append(Enc(b.Key)).Append(": ").Append(Enc(shown)).Append("</title></rect>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{b.X + b.Width / 2:0.##}\" y=\"{Top + PlotHeight + 14:0}\" text-anchor=\"middle\">{Enc(Short(b.Key))}</text>");
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>The value as people read it: <c>$0.0123</c> or <c>1234 tok</c>.</summary>
    public static string Shown(decimal value, ChartMetric metric) => metric == ChartMetric.Cost
        ? "$" + Math.Round(value, 4).ToString("0.####", CultureInfo.InvariantCulture)
        : value.ToString("0", CultureInfo.InvariantCulture) + " tok";

    // Days print as MM-DD under the bar; long group names are cut.
    private static string Short(string key) =>
        key.Length == 10 && key[4] == '-' && key[7] == '-' ? key[5..] : key.Length <= 8 ? key : key[..7] + "…";

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
