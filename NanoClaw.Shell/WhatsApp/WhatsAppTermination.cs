namespace NanoClaw.Shell.WhatsApp;

/// <summary>Why the WhatsApp channel stopped for good (reconnecting cannot help).</summary>
public enum WhatsAppStopKind
{
    /// <summary>The auth folder holds no linked device.</summary>
    NotLinked,
    /// <summary>WhatsApp unlinked this device (removed on the phone, or <c>logout</c>).</summary>
    LoggedOut,
    /// <summary>Node or the sidecar's packages are missing.</summary>
    SidecarUnavailable,
}

/// <summary>The end of the channel, with the message for the user and the process exit code.</summary>
public sealed record WhatsAppTermination(WhatsAppStopKind Kind, string Message)
{
    /// <summary>Exit code of the daemon when WhatsApp stops it; distinct per cause so scripts can tell.</summary>
    public int ExitCode => Kind switch
    {
        WhatsAppStopKind.NotLinked => WhatsAppExitCodes.NotLinked,
        WhatsAppStopKind.LoggedOut => WhatsAppExitCodes.LoggedOut,
        _ => WhatsAppExitCodes.SidecarUnavailable,
    };

    public const string LinkHint = "link it with: nanoclaw auth whatsapp  (or: nanoclaw auth whatsapp --phone NUMBER for a pairing code)";

    public static WhatsAppTermination NotLinked() =>
        new(WhatsAppStopKind.NotLinked, "WhatsApp is not linked yet; " + LinkHint);

    public static WhatsAppTermination LoggedOut() =>
        new(WhatsAppStopKind.LoggedOut, "WhatsApp logged this device out (it was removed under Linked devices on the phone); " + LinkHint);

    public static WhatsAppTermination Unavailable(string why) => new(WhatsAppStopKind.SidecarUnavailable, why);
}

/// <summary>Process exit codes used for WhatsApp failures.</summary>
public static class WhatsAppExitCodes
{
    public const int NotLinked = 3;
    public const int LoggedOut = 4;
    public const int SidecarUnavailable = 5;
}
