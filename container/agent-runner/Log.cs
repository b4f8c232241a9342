namespace NanoClaw.AgentRunner;

/// <summary>Log lines on stderr: the host keeps them in the container log; stdout is reserved for records.</summary>
internal static class Log
{
    public static void Info(string message) => Console.Error.WriteLine($"[agent-runner] {message}");
}
