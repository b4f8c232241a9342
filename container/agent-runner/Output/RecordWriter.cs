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

    public void TurnEnded(Option<string> sessionId) =>
        Write(new ContainerOutput(OutputStatus.Success, None, sessionId, None));

    public void Error(string error, Option<string> sessionId) =>
        Write(new ContainerOutput(OutputStatus.Error, None, sessionId, Some(error)));

    private void Write(ContainerOutput output)
    {
        lock (_gate)
        {
            stdout.Write(ContainerJson.Frame(output));
            stdout.Flush();
        }
    }
}
