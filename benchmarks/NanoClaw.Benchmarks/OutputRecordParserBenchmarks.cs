using System.Text;
using BenchmarkDotNet.Attributes;
using LanguageExt;
using NanoClaw.Core.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Benchmarks;

/// <summary>The container output parser on a 1 MB stdout stream (records and log lines), fed in pipe-sized chunks.</summary>
[MemoryDiagnoser]
public class OutputRecordParserBenchmarks
{
    private byte[] stream = [];

    [Params(4096, 65536)]
    public int ChunkSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        var i = 0;
        while (text.Length < 1_000_000)
        {
            text.Append("[agent-runner] tool call ").Append(i).Append(": reading /workspace/group/notes.md — ok ✓\n");
            if (i % 4 == 0)
                text.Append(ContainerJson.Frame(new ContainerOutput(OutputStatus.Success,
                    Some($"Here is answer {i}: the weather in Zürich is 12 °C 🌤, and your meeting moved to 15:00."), Some("session-abc"), None)));
            i++;
        }
        stream = Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Bytes in the stream (for MB/s: Length / mean time).</summary>
    public int Length => stream.Length;

    [Benchmark]
    public int Parse1MB()
    {
        var state = OutputRecordParser.Initial;
        var records = 0;
        for (var offset = 0; offset < stream.Length; offset += ChunkSize)
        {
            var step = OutputRecordParser.Feed(state, stream.AsSpan(offset, Math.Min(ChunkSize, stream.Length - offset)));
            state = step.State;
            records += step.Items.Count;
        }
        return records + OutputRecordParser.Finish(state).Count;
    }
}
