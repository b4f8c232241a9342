using System.Text;
using FsCheck;
using FsCheck.Fluent;
using LanguageExt;
using NanoClaw.Core.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Containers;

/// <summary>Generators shared by the container properties.</summary>
internal static class ContainerGen
{
    public static Gen<string> StringOf(Gen<char> chars, int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(chars, n)).Select(a => new string(a));

    /// <summary>Text mixing ASCII, 2-, 3- and 4-byte UTF-8 (emoji as surrogate pairs), quotes and escapes.</summary>
    public static readonly Gen<string> UnicodeText =
        Gen.ListOf(Gen.Elements("a", "Z", " ", "é", "ß", "Ж", "中", "文", "😀", "🦀", "\"", "\\", "\t", "-", "{", "}", "\n", "---"))
            .Select(parts => string.Concat(parts.Take(40)));

    public static readonly Gen<ContainerOutput> Output =
        from success in Gen.Elements(true, false)
        from result in Gen.OneOf(Gen.Constant(Option<string>.None), UnicodeText.Select(Some))
        from session in Gen.OneOf(Gen.Constant(Option<string>.None), StringOf(Gen.Elements("abc-123".ToCharArray()), 1, 8).Select(Some))
        from error in success ? Gen.Constant(Option<string>.None) : UnicodeText.Select(Some)
        select new ContainerOutput(success ? OutputStatus.Success : OutputStatus.Error, result, session, error);

    /// <summary>A log line: unicode text that may contain marker text mid-line but is never a marker line itself.</summary>
    public static readonly Gen<string> LogLine =
        from text in UnicodeText
        from marker in Gen.Elements("", OutputMarkers.Start, OutputMarkers.End, "---NANOCLAW_OUT")
        select ("log " + text.Replace("\n", " ") + marker).TrimEnd();

    /// <summary>A stdout stream of records and log lines, with the records it holds.</summary>
    public static readonly Gen<(byte[] Bytes, List<ContainerOutput> Records, int LogLines)> Stream =
        Gen.ListOf(Gen.OneOf(Output.Select(o => (object)o), LogLine.Select(l => (object)l)))
            .Select(items =>
            {
                var text = new StringBuilder();
                var records = new List<ContainerOutput>();
                var logs = 0;
                foreach (var item in items)
                {
                    if (item is ContainerOutput o) { text.Append(ContainerJson.Frame(o)); records.Add(o); }
                    else { text.Append((string)item).Append('\n'); logs++; }
                }
                return (Encoding.UTF8.GetBytes(text.ToString()), records, logs);
            });

    /// <summary>Cut points (sorted, within the length) for a stream of the given length.</summary>
    public static Gen<int[]> Cuts(int length) =>
        Gen.ListOf(Gen.Choose(0, length)).Select(l => l.Distinct().OrderBy(x => x).ToArray());

    public static List<ParsedOutput> FeedInChunks(byte[] bytes, int[] cuts, OutputParserState? start = null)
    {
        var state = start ?? OutputRecordParser.Initial;
        var items = new List<ParsedOutput>();
        var from = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            var step = OutputRecordParser.Feed(state, bytes.AsSpan(from, cut - from));
            items.AddRange(step.Items);
            state = step.State;
            from = cut;
        }
        items.AddRange(OutputRecordParser.Finish(state));
        return items;
    }
}
