using LanguageExt;
using NanoClaw.Core.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.AgentRunner.Output;

/// <summary>
/// Prints output records to stdout, the only thing the runner writes there (logs go to stderr).
/// Serialised so records from different tasks never interleave.
/// </summary>
internal sealed class RecordWriter(TextWriter stdout)
{
    private readonly Lock _gate = new();

    public void Result(string? text, Option<string> sessionId) =>
        Write(new ContainerOutput(OutputStatus.Success, Optional(text), sessionId, None));

    /// <summary>The end of a turn, with what it used when Claude Code reported it.</summary>
    public void TurnEnded(Option<string> sessionId, Option<TurnUsage> usage = default) =>
        Write(new ContainerOutput(OutputStatus.Success, None, sessionId, None) { Usage = usage });

    public void Error(string error, Option<string> sessionId, Option<TurnUsage> usage = default) =>
        Write(new ContainerOutput(OutputStatus.Error, None, sessionId, Some(error)) { Usage = usage });

    private void Write(ContainerOutput output)
    {
        lock (_gate)
        {
            stdout.Write(ContainerJson.Frame(output));
            stdout.Flush();
        }
    }
}
