namespace NanoClaw.Shell.CredentialProxy;

/// <summary>One container run the proxy serves: its socket on the host and the token it was handed.</summary>
/// <param name="Container">Container name, for the log.</param>
/// <param name="SocketPath">Host path of the run's Unix socket (bind-mounted into the container); empty with the TCP transport.</param>
/// <param name="Token">The run token (not a secret of the user's: it works only for this run's container, while it runs).</param>
public sealed record ProxyRun(string Container, string SocketPath, string Token)
{
    private volatile bool ended;

    /// <summary>True once the run's lease was released: later requests are refused.</summary>
    public bool Ended => ended;

    internal void End() => ended = true;
}
