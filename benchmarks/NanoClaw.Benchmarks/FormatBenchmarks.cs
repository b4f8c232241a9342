using BenchmarkDotNet.Attributes;
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Routing;

namespace NanoClaw.Benchmarks;

/// <summary>Formatting a 20-message batch into the agent prompt (escaping, local times, one reply).</summary>
[MemoryDiagnoser]
public class FormatBenchmarks
{
    private Seq<ChatMessage> _batch;

    [GlobalSetup]
    public void Setup() => _batch = BenchData.Batch("team@g.us", 20);

    [Benchmark]
    public int Format_20_message_batch() => PromptFormatter.Format(_batch, BenchData.Zone).Length;
}
