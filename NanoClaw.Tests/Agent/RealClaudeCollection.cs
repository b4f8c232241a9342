namespace NanoClaw.Tests.Agent;

/// <summary>Real Claude Code runs one at a time: each is a heavy process and the machine is shared.</summary>
[CollectionDefinition("RealClaude")]
public sealed class RealClaudeCollection;
