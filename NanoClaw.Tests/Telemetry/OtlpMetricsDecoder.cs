using Google.Protobuf;

namespace NanoClaw.Tests.Telemetry;

/// <summary>One data point of an exported metric: its instrument, attributes and value (sums and gauges) or count and sum (histograms).</summary>
public sealed record OtlpPoint(string Metric, string Unit, string Kind, IReadOnlyDictionary<string, string> Attributes, double Value,
    ulong Count, IReadOnlyList<ulong> BucketCounts)
{
    public string? this[string attribute] => Attributes.TryGetValue(attribute, out var v) ? v : null;
}

/// <summary>
/// Reads an OTLP <c>ExportMetricsServiceRequest</c> (protobuf) with <see cref="CodedInputStream"/>, field numbers from
/// the OTLP specification (opentelemetry/proto/metrics/v1/metrics.proto, common/v1/common.proto): resource_metrics=1 →
/// scope_metrics=2 → metrics=2 → name=1, unit=3, gauge=5, sum=7, histogram=9 → data_points=1. Number points:
/// attributes=7, as_double=4 (double), as_int=6 (sfixed64). Histogram points: attributes=9, count=4 (fixed64), sum=5,
/// bucket_counts=6 (packed fixed64). KeyValue: key=1, value=2; AnyValue: string=1, bool=2, int=3, double=4.
/// Unknown fields are skipped.
/// </summary>
public static class OtlpMetricsDecoder
{
    public static List<OtlpPoint> Decode(byte[] body)
    {
        var points = new List<OtlpPoint>();
        Each(body, (field, input) =>
        {
            if (field == 1) Each(input.ReadBytes().ToByteArray(), (f2, i2) =>
            {
                if (f2 == 2) Each(i2.ReadBytes().ToByteArray(), (f3, i3) =>
                {
                    if (f3 == 2) Metric(i3.ReadBytes().ToByteArray(), points); else i3.SkipLastField();
                });
                else i2.SkipLastField();
            });
            else input.SkipLastField();
        });
        return points;
    }

    private static void Metric(byte[] bytes, List<OtlpPoint> points)
    {
        string name = "", unit = "";
        var bodies = new List<(string Kind, byte[] Bytes)>();
        Each(bytes, (field, input) =>
        {
            switch (field)
            {
                case 1: name = input.ReadString(); break;
                case 3: unit = input.ReadString(); break;
                case 5: bodies.Add(("gauge", input.ReadBytes().ToByteArray())); break;
                case 7: bodies.Add(("sum", input.ReadBytes().ToByteArray())); break;
                case 9: bodies.Add(("histogram", input.ReadBytes().ToByteArray())); break;
                default: input.SkipLastField(); break;
            }
        });
        foreach (var (kind, body) in bodies)
            Each(body, (field, input) =>
            {
                if (field != 1) { input.SkipLastField(); return; }
                var point = input.ReadBytes().ToByteArray();
                points.Add(kind == "histogram" ? Histogram(name, unit, point) : Number(name, unit, kind, point));
            });
    }

    private static OtlpPoint Number(string name, string unit, string kind, byte[] bytes)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        double value = 0;
        Each(bytes, (field, input) =>
        {
            switch (field)
            {
                case 7: Attribute(input.ReadBytes().ToByteArray(), attributes); break;
                case 4: value = input.ReadDouble(); break;
                case 6: value = input.ReadSFixed64(); break;
                default: input.SkipLastField(); break;
            }
        });
        return new OtlpPoint(name, unit, kind, attributes, value, 0, []);
    }

    private static OtlpPoint Histogram(string name, string unit, byte[] bytes)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        double sum = 0;
        ulong count = 0;
        var buckets = new List<ulong>();
        Each(bytes, (field, input) =>
        {
            switch (field)
            {
                case 9: Attribute(input.ReadBytes().ToByteArray(), attributes); break;
                case 4: count = input.ReadFixed64(); break;
                case 5: sum = input.ReadDouble(); break;
                case 6:
                    var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
                    while (!packed.IsAtEnd) buckets.Add(packed.ReadFixed64());
                    break;
                default: input.SkipLastField(); break;
            }
        });
        return new OtlpPoint(name, unit, "histogram", attributes, sum, count, buckets);
    }

    private static void Attribute(byte[] bytes, Dictionary<string, string> into)
    {
        string key = "", value = "";
        Each(bytes, (field, input) =>
        {
            if (field == 1) key = input.ReadString();
            else if (field == 2)
                Each(input.ReadBytes().ToByteArray(), (f, i) =>
                {
                    switch (f)
                    {
                        case 1: value = i.ReadString(); break;
                        case 2: value = i.ReadBool() ? "true" : "false"; break;
                        case 3: value = i.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture); break;
                        case 4: value = i.ReadDouble().ToString(System.Globalization.CultureInfo.InvariantCulture); break;
                        default: i.SkipLastField(); break;
                    }
                });
            else input.SkipLastField();
        });
        into[key] = value;
    }

    private static void Each(byte[] bytes, Action<int, CodedInputStream> field)
    {
        var input = new CodedInputStream(bytes);
        while (!input.IsAtEnd)
        {
            var tag = input.ReadTag();
            if (tag == 0) break;
            field(WireFormat.GetTagFieldNumber(tag), input);
        }
    }
}
