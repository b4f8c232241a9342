using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NanoClaw.AgentRunner.Claude;
using NanoClaw.Core.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Usage;

/// <summary>The optional <c>usage</c> field of output records, and how the runner reads it from Claude Code's result messages.</summary>
[Trait("Category", "Dashboard")]
public sealed class UsageRecordTests
{
    private static readonly TurnUsage Known = new(100, 20, 30, 40, 0.000958m, 1, 72);

    [Fact]
    public void A_record_with_usage_round_trips()
    {
        var output = new ContainerOutput(OutputStatus.Success, None, Some("s1"), None) { Usage = Some(Known) };
        var parsed = OutputRecordParser.ParseAll(System.Text.Encoding.UTF8.GetBytes(ContainerJson.Frame(output)));
        var record = Assert.IsType<ParsedRecord>(Assert.Single(parsed));
        Assert.Equal(Known, record.Output.Usage.IfNone(TurnUsage.Zero));
        Assert.Equal(output, record.Output);
    }

    [Fact]
    public void An_old_record_without_usage_still_parses()
    {
        var parsed = ContainerJson.ParseOutput("""{"status":"success","result":null,"newSessionId":"s1"}""");
        var output = parsed.Match(o => o, e => throw new Xunit.Sdk.XunitException(e));
        Assert.True(output.Usage.IsNone);
        Assert.Equal("s1", output.NewSessionId.IfNone(""));
    }

    [Theory]
    [InlineData("""{"inputTokens":-1,"outputTokens":1,"cacheCreationInputTokens":0,"cacheReadInputTokens":0,"costUsd":0.1,"numTurns":1,"durationApiMs":1}""")]
    [InlineData("""{"inputTokens":1,"outputTokens":1,"cacheCreationInputTokens":0,"cacheReadInputTokens":0,"costUsd":1e300,"numTurns":1,"durationApiMs":1}""")]
    [InlineData("""{"inputTokens":"1","outputTokens":1,"cacheCreationInputTokens":0,"cacheReadInputTokens":0,"costUsd":0.1,"numTurns":1,"durationApiMs":1}""")]
    [InlineData("""{"outputTokens":1}""")]
    [InlineData("\"lots\"")]
    public void A_record_whose_usage_is_implausible_keeps_its_result_and_carries_no_usage(string usage)
    {
        var parsed = ContainerJson.ParseOutput($$"""{"status":"success","result":"hi","usage":{{usage}}}""");
        var output = parsed.Match(o => o, e => throw new Xunit.Sdk.XunitException(e));
        Assert.Equal("hi", output.Result.IfNone(""));
        Assert.True(output.Usage.IsNone);
    }

    [Property(Arbitrary = [typeof(UsageArbitrary)])]
    public bool Any_plausible_usage_survives_the_record(TurnUsage usage)
    {
        var output = new ContainerOutput(OutputStatus.Success, None, None, None) { Usage = Some(usage) };
        return ContainerJson.ParseOutput(ContainerJson.Serialize(output)).Match(o => o.Usage == Some(usage), _ => false);
    }

    /// <summary>
    /// Two result messages of one Claude Code 2.1.330 process against the fake API (fields trimmed): the cost and API
    /// time are running totals, the tokens are this turn's.
    /// </summary>
    [Fact]
    public void The_runner_turns_running_totals_into_per_turn_usage()
    {
        var first = JsonNode.Parse("""
            {"type":"result","subtype":"success","is_error":false,"num_turns":1,"duration_api_ms":64,"total_cost_usd":0.0009580000000000001,
             "usage":{"input_tokens":100,"cache_creation_input_tokens":30,"cache_read_input_tokens":40,"output_tokens":20},
             "model_usage_since_last_result":{"claude-opus-5-5":{"inputTokens":100,"outputTokens":20,"cacheReadInputTokens":40,"cacheCreationInputTokens":30,"costUSD":0.0009580000000000001}}}
            """)!.AsObject();
        var second = JsonNode.Parse("""
            {"type":"result","subtype":"success","is_error":false,"num_turns":2,"duration_api_ms":104,"total_cost_usd":0.0019160000000000002,
             "usage":{"input_tokens":100,"cache_creation_input_tokens":30,"cache_read_input_tokens":40,"output_tokens":20},
             "model_usage_since_last_result":{"claude-opus-5-5":{"inputTokens":100,"outputTokens":20,"cacheReadInputTokens":40,"cacheCreationInputTokens":30,"costUSD":0.000958},
                                              "claude-haiku-4-5":{"inputTokens":7,"outputTokens":3,"cacheReadInputTokens":0,"cacheCreationInputTokens":0,"costUSD":0.0}}}
            """)!.AsObject();

        var (one, after) = TurnUsageReader.Read(first, ProcessTotals.Start);
        var (two, _) = TurnUsageReader.Read(second, after);

        Assert.Equal(new TurnUsage(100, 20, 30, 40, 0.000958m, 1, 64), one);
        Assert.Equal(new TurnUsage(107, 23, 30, 40, 0.000958m, 2, 40), two);
    }

    [Fact]
    public void Without_per_model_figures_the_runner_reads_the_turns_usage()
    {
        var result = JsonNode.Parse("""
            {"type":"result","num_turns":1,"duration_api_ms":10,"total_cost_usd":0.5,
             "usage":{"input_tokens":1,"cache_creation_input_tokens":2,"cache_read_input_tokens":3,"output_tokens":4}}
            """)!.AsObject();
        var (usage, totals) = TurnUsageReader.Read(result, new ProcessTotals(0.25m, 4));
        Assert.Equal(new TurnUsage(1, 4, 2, 3, 0.25m, 1, 6), usage);
        Assert.Equal(new ProcessTotals(0.5m, 10), totals);
    }

    public static class UsageArbitrary
    {
        public static Arbitrary<TurnUsage> Usages() => Arb.From(
            from i in Gen.Choose(0, int.MaxValue)
             from o in Gen.Choose(0, int.MaxValue)
             from w in Gen.Choose(0, 1_000_000)
             from r in Gen.Choose(0, 1_000_000)
             from micro in Gen.Choose(0, int.MaxValue)
             from n in Gen.Choose(0, 500)
             from ms in Gen.Choose(0, int.MaxValue)
             select new TurnUsage(i, o * 3L, w, r, micro / 1_000_000m, n, ms));
    }
}
