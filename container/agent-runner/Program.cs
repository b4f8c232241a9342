using NanoClaw.AgentRunner;
using NanoClaw.AgentRunner.Mcp;
using NanoClaw.AgentRunner.Output;
using NanoClaw.Core.Containers;

// `nanoclaw-agent-runner mcp` is the nanoclaw MCP server Claude Code starts; without arguments it is the runner.
if (args is ["mcp", ..]) return await McpServerMain.RunAsync();

var records = new RecordWriter(Console.Out);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

var stdin = await Console.In.ReadToEndAsync();
var parsed = ContainerJson.ParseInput(stdin);
if (parsed.Case is string error)
{
    records.Error("invalid input: " + error, LanguageExt.Prelude.None);
    return 1;
}

var input = (ContainerInput)parsed.Case!;
Log.Info($"group {input.GroupFolder} (main: {input.IsMain}, scheduled: {input.IsScheduledTask}, resume: {input.SessionId.IsSome})");
using var limits = new NanoClaw.AgentRunner.Lifetime.RunLimits(input, TimeProvider.System, stop.Token);
Log.Info($"own limits: idle {limits.IdleLimit?.TotalSeconds.ToString("0") ?? "none"} s, run {limits.MaxRun?.TotalSeconds.ToString("0") ?? "none"} s");
try
{
    return await new AgentRun(input, RunnerPaths.FromEnvironment(), records, TimeProvider.System) { Limits = limits }.RunAsync(limits.Token);
}
catch (OperationCanceledException) when (limits.MaxRunPassed)
{
    Log.Info($"ending the run on its own: the maximum run time ({limits.MaxRun?.TotalSeconds:0} s with margin) has passed");
    records.Error("the agent runner reached its maximum run time and stopped", LanguageExt.Prelude.None);
    return 1;
}
catch (OperationCanceledException)
{
    Log.Info("stopped");
    return 1;
}
catch (Exception e)
{
    records.Error("agent runner failed: " + e.Message, LanguageExt.Prelude.None);
    Log.Info(e.ToString());
    return 1;
}
