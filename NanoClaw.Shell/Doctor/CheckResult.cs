namespace NanoClaw.Shell.Doctor;

/// <summary>How a check went. Skipped checks do not apply (e.g. WhatsApp is off) and do not fail the doctor.</summary>
public enum CheckStatus
{
    Pass,
    Fail,
    Skip,
}

/// <summary>One line of the doctor's report.</summary>
/// <param name="Name">The check's name (for <c>--check</c>).</param>
/// <param name="Status">Outcome.</param>
/// <param name="Detail">What was found, in a few words.</param>
/// <param name="Fix">The one command or step that fixes a failure.</param>
public sealed record CheckResult(string Name, CheckStatus Status, string Detail, string? Fix = null)
{
    /// <summary>
    /// A failure the daemon itself waits out (a runtime that is installed but not up yet, as at boot), so the
    /// first-run guide does not stop the daemon for it; <c>doctor</c> still reports it.
    /// </summary>
    public bool DaemonWaits { get; init; }

    public static CheckResult Pass(string name, string detail) => new(name, CheckStatus.Pass, detail);
    public static CheckResult Fail(string name, string detail, string fix) => new(name, CheckStatus.Fail, detail, fix);
    public static CheckResult Skip(string name, string detail) => new(name, CheckStatus.Skip, detail);
}
