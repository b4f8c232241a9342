using LanguageExt;

namespace NanoClaw.Shell.Containers;

/// <summary>What one run gets to reach the Anthropic API, handed out by the credential proxy per container.</summary>
/// <param name="Environment">Entries merged into the input's environment (stdin): the socket location and run token.</param>
/// <param name="ApiSocket">Host path of the run's proxy socket, bind-mounted read-only into the container.</param>
/// <param name="Release">Called once the container has exited (closes the socket).</param>
public sealed record RunCredentials(Map<string, string> Environment, Option<string> ApiSocket, IDisposable Release);
