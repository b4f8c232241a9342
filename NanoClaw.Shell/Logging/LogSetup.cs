using NanoClaw.Core.Config;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace NanoClaw.Shell.Logging;

/// <summary>Builds the process logger: console (stderr) and the rolling <c>logging.file</c>, behind secret redaction.</summary>
public static class LogSetup
{
    public const long FileSizeLimitBytes = 10 * 1024 * 1024;
    public const int RetainedFiles = 10;

    private const string ConsoleTemplate = "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}";
    private const string FileTemplate = "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ} {Level:u3} {Message:lj} {Properties:j}{NewLine}{Exception}";

    public static LogEventLevel LevelOf(string configured) => configured.ToUpperInvariant() switch
    {
        "DEBUG" => LogEventLevel.Debug,
        "WARNING" => LogEventLevel.Warning,
        "ERROR" => LogEventLevel.Error,
        _ => LogEventLevel.Information,
    };

    /// <param name="toFile">False for short CLI commands, which log to the console only.</param>
    public static Logger Create(LoggingOptions options, SecretRedactor redactor, bool toFile)
    {
        ILogEventSink inner;
        if (toFile)
        {
            // Logs hold message text and group names: only the daemon's user may read them (F10).
            Security.PrivateFiles.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.File))!);
            inner = Sinks(toFile: true, options.File);
        }
        else
        {
            // Most short commands log nothing: the console sink (its template, theme and writers) is built at the
            // first event instead of at every start (issue 16).
            inner = new DeferredSink(() => Sinks(toFile: false, options.File));
        }
        return new LoggerConfiguration()
            .MinimumLevel.Is(LevelOf(options.Level))
            .WriteTo.Sink(new RedactingSink(inner, redactor))
            .CreateLogger();
    }

    private static Logger Sinks(bool toFile, string file)
    {
        // Console lines go to standard error, so standard output stays for command output.
        var sinks = new LoggerConfiguration().MinimumLevel.Verbose()
            .WriteTo.Console(outputTemplate: ConsoleTemplate, standardErrorFromLevel: LogEventLevel.Verbose,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        if (toFile)
        {
            // Size-based rolling keeps the current file at the configured name (logs/nanoclaw.log); older ones get _001, _002…
            sinks = sinks.WriteTo.File(file, outputTemplate: FileTemplate, fileSizeLimitBytes: FileSizeLimitBytes,
                rollOnFileSizeLimit: true, retainedFileCountLimit: RetainedFiles,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }
        return sinks.CreateLogger();
    }
}
