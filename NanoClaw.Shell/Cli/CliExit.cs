namespace NanoClaw.Shell.Cli;

/// <summary>
/// Exit codes of the management commands (<c>groups</c>, <c>tasks</c>, <c>doctor</c>, <c>service</c>), listed in the
/// README. 0, 1 and 2 are <see cref="Config.ShellContext"/>'s; the others say what a script can do about it.
/// </summary>
public static class CliExit
{
    /// <summary>Done.</summary>
    public const int Ok = Config.ShellContext.ExitOk;

    /// <summary>Refused or failed: unknown task or group, invalid folder, unauthorised operation, a failed doctor check.</summary>
    public const int Error = Config.ShellContext.ExitError;

    /// <summary>config.yml or credentials.yml is invalid.</summary>
    public const int BadConfig = Config.ShellContext.ExitBadConfig;

    /// <summary>The command needs an existing store (<c>store/messages.db</c>) and there is none: wrong directory, or never run.</summary>
    public const int MissingStore = 3;

    /// <summary><c>nanoclaw run</c> in a directory that is not set up yet: the guide lists what is missing.</summary>
    public const int NotSetUp = 7;
}
