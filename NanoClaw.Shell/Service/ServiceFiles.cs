using System.Security;
using System.Text;

namespace NanoClaw.Shell.Service;

/// <summary>Renders the systemd unit and the launchd plist. Pure: the command writes what these return.</summary>
public static class ServiceFiles
{
    public static string Render(ServiceKind kind, ServiceDefinition d) => kind == ServiceKind.Launchd ? LaunchdPlist(d) : SystemdUnit(d);

    public static string SystemdUnit(ServiceDefinition d)
    {
        var text = new StringBuilder();
        text.Append("# Written by `nanoclaw service install`; run it again after moving the installation.\n");
        text.Append("[Unit]\n");
        text.Append("Description=NanoClaw personal Claude assistant\n");
        text.Append("After=network-online.target\n");
        text.Append("Wants=network-online.target\n");
        // Throttling: at most StartLimitBurst starts per interval, then systemd gives up instead of crash-looping.
        text.Append($"StartLimitIntervalSec={ServiceDefinition.StartLimitIntervalSeconds}\n");
        text.Append($"StartLimitBurst={ServiceDefinition.StartLimitBurst}\n");
        text.Append('\n');
        text.Append("[Service]\n");
        text.Append("Type=simple\n");
        text.Append($"WorkingDirectory={EscapeSpecifiers(d.WorkingDirectory)}\n");
        text.Append($"ExecStart={string.Join(' ', d.Command.Select(w => SystemdQuote(w)))}\n");
        foreach (var (name, value) in d.Environment) text.Append($"Environment={SystemdQuote(name + "=" + value, variables: false)}\n");
        // Files the daemon creates are private to its user unless it gives them a mode (F10).
        if (d.PrivateUMask) text.Append($"UMask={ServiceDefinition.UMask}\n");
        text.Append("Restart=on-failure\n");
        text.Append($"RestartSec={ServiceDefinition.RestartDelaySeconds}\n");
        text.Append($"RestartPreventExitStatus={string.Join(' ', ServiceDefinition.NoRestartExitCodes)}\n");
        // SIGTERM lets the daemon stop intake, settle and flush; give it time before SIGKILL.
        text.Append("KillSignal=SIGTERM\n");
        text.Append("TimeoutStopSec=30\n");
        text.Append('\n');
        text.Append("[Install]\n");
        text.Append("WantedBy=default.target\n");
        return text.ToString();
    }

    public static string LaunchdPlist(ServiceDefinition d)
    {
        var text = new StringBuilder();
        text.Append("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <!-- Written by `nanoclaw service install`; run it again after moving the installation. -->
            <plist version="1.0">
            <dict>

            """.Replace("\r", ""));
        text.Append($"  <key>Label</key>\n  <string>{ServiceDefinition.LaunchdLabel}</string>\n");
        text.Append("  <key>ProgramArguments</key>\n  <array>\n");
        foreach (var arg in d.Command) text.Append($"    <string>{Xml(arg)}</string>\n");
        text.Append("  </array>\n");
        text.Append($"  <key>WorkingDirectory</key>\n  <string>{Xml(d.WorkingDirectory)}</string>\n");
        if (d.Environment.Count > 0)
        {
            text.Append("  <key>EnvironmentVariables</key>\n  <dict>\n");
            foreach (var (name, value) in d.Environment) text.Append($"    <key>{Xml(name)}</key>\n    <string>{Xml(value)}</string>\n");
            text.Append("  </dict>\n");
        }
        // launchd's Umask is an integer: 63 = 0077, files private to the user unless the daemon gives them a mode (F10).
        if (d.PrivateUMask) text.Append($"  <key>Umask</key>\n  <integer>{Convert.ToInt32(ServiceDefinition.UMask, 8)}</integer>\n");
        text.Append("  <key>RunAtLoad</key>\n  <true/>\n");
        // Restart only after a failure, and never more often than ThrottleInterval seconds.
        text.Append("  <key>KeepAlive</key>\n  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n");
        text.Append($"  <key>ThrottleInterval</key>\n  <integer>{ServiceDefinition.RestartDelaySeconds}</integer>\n");
        text.Append($"  <key>StandardOutPath</key>\n  <string>{Xml(Path.Combine(d.WorkingDirectory, "logs", "launchd.out.log"))}</string>\n");
        text.Append($"  <key>StandardErrorPath</key>\n  <string>{Xml(Path.Combine(d.WorkingDirectory, "logs", "launchd.err.log"))}</string>\n");
        text.Append("</dict>\n</plist>\n");
        return text.ToString();
    }

    /// <summary>
    /// One systemd command-line word: specifiers (<c>%</c>) and variables (<c>$</c>) doubled, and the word quoted with
    /// backslash escapes when it holds spaces, quotes or backslashes, so systemd splits it back into exactly this word.
    /// </summary>
    /// <param name="word">The word.</param>
    /// <param name="variables">True where systemd expands <c>$VAR</c> (ExecStart), false where it does not (Environment).</param>
    public static string SystemdQuote(string word, bool variables = true)
    {
        var escaped = variables ? EscapeSpecifiers(word).Replace("$", "$$") : EscapeSpecifiers(word);
        var needsQuotes = escaped.Length == 0 || escaped.Any(c => char.IsWhiteSpace(c) || IsAsciiControl(c) || c is '"' or '\'' or '\\' or ';');
        if (!needsQuotes) return escaped;
        var quoted = new StringBuilder("\"");
        foreach (var c in escaped)
        {
            // Inside quotes systemd reads C escapes; control characters must not break the line.
            if (c is '\\' or '"') quoted.Append('\\').Append(c);
            else if (IsAsciiControl(c)) quoted.Append($"\\x{(int)c:x2}");
            else quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    /// <summary>The lines that say which installation a service file runs (command and directory), whatever the environment.</summary>
    public static IReadOnlyList<string> IdentityLines(ServiceKind kind, ServiceDefinition d) => kind == ServiceKind.Launchd
        ? [.. d.Command.Select(a => $"<string>{Xml(a)}</string>"), $"<string>{Xml(d.WorkingDirectory)}</string>"]
        : [$"ExecStart={string.Join(' ', d.Command.Select(w => SystemdQuote(w)))}", $"WorkingDirectory={EscapeSpecifiers(d.WorkingDirectory)}"];

    private static bool IsAsciiControl(char c) => c < ' ' || c == '\x7f';

    private static string EscapeSpecifiers(string text) => text.Replace("%", "%%");

    private static string Xml(string text) => SecurityElement.Escape(text);
}
