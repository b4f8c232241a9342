using System.Collections;
using System.CommandLine;
using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Shell.Cli;
using NanoClaw.Shell.Logging;
using NanoClaw.Shell.Store;
using Serilog.Core;

namespace NanoClaw.Shell.Config;

/// <summary>
/// What every command starts from: the loaded settings, the project root, the secret redactor and the logger.
/// <see cref="Run"/> is the one entry for commands: bad config prints its one line and exits 2, any other
/// failure prints one line and exits 1; neither shows a stack trace.
/// </summary>
public sealed class ShellContext : IDisposable
{
    public const int ExitOk = 0;
    public const int ExitError = 1;
    public const int ExitBadConfig = 2;

    private ShellContext(NanoClawOptions options, Credentials credentials, string projectRoot, SecretRedactor redactor, Logger log)
    {
        Options = options;
        Credentials = credentials;
        ProjectRoot = projectRoot;
        Redactor = redactor;
        Log = log;
    }

    public NanoClawOptions Options { get; }
    public Credentials Credentials { get; }

    /// <summary>The config file's directory; every relative path in the config is resolved against it.</summary>
    public string ProjectRoot { get; }

    /// <summary>The configured zone (validated as an IANA id when loading).</summary>
    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(Options.TimeZone);

    public SecretRedactor Redactor { get; }
    public Logger Log { get; }

    /// <summary>The config path the command line selects: <c>--config PATH</c> (must exist) or <c>./config.yml</c> (optional).</summary>
    public static (string Path, bool MustExist) ConfigPathFrom(ParseResult parse) =>
        parse.GetValue(CliApp.ConfigOption) is { } file ? (file.ToString(), true) : (ConfigLoader.DefaultConfigFile, false);

    /// <summary>Loads settings and builds the logger (file logging only for long-running commands).</summary>
    public static Either<ConfigError, ShellContext> Load(string configPath, bool mustExist, IDictionary env, bool logToFile)
    {
        var loaded = LoadContext(configPath, mustExist, env, logToFile);
        return loaded.Error is { } error ? Prelude.Left<ConfigError, ShellContext>(error) : Prelude.Right<ConfigError, ShellContext>(loaded.Value);
    }

    /// <summary><see cref="Load"/> without LanguageExt's <c>Either</c> (JIT-compiled at every start; issue 16).</summary>
    private static Parsed<ShellContext> LoadContext(string configPath, bool mustExist, IDictionary env, bool logToFile)
    {
        var parsed = ConfigLoader.LoadSettings(configPath, env, mustExist);
        if (parsed.Error is { } error) return error;
        var loaded = parsed.Value;
        var redactor = new SecretRedactor(loaded.Credentials.SecretValues);
        return new ShellContext(loaded.Options, loaded.Credentials, loaded.ProjectRoot, redactor,
            LogSetup.Create(loaded.Options.Logging, redactor, logToFile));
    }

    /// <summary>Runs a command body with a loaded context and maps every outcome to an exit code.</summary>
    public static async Task<int> RunAsync(ParseResult parse, string commandName, bool logToFile, Func<ShellContext, Task<int>> body)
    {
        var (path, mustExist) = ConfigPathFrom(parse);
        Parsed<ShellContext> loaded;
        try
        {
            loaded = LoadContext(path, mustExist, Environment.GetEnvironmentVariables(), logToFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // e.g. the log directory cannot be created: still one line, no stack trace.
            await Console.Error.WriteLineAsync($"nanoclaw {commandName}: cannot start: {FirstLine(e.Message)}");
            return ExitError;
        }
        if (loaded.Error is { } configError)
        {
            await Console.Error.WriteLineAsync(configError.Message);
            return ExitBadConfig;
        }
        using var context = loaded.Value;
        try
        {
            return await body(context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.Log.Debug(e, "{Command} failed", commandName);
            await Console.Error.WriteLineAsync($"nanoclaw {commandName}: {context.Redactor.Redact(FirstLine(e.Message))}");
            return ExitError;
        }
    }

    public static int Run(ParseResult parse, string commandName, bool logToFile, Func<ShellContext, int> body) =>
        RunAsync(parse, commandName, logToFile, c => Task.FromResult(body(c))).GetAwaiter().GetResult();

    /// <summary>
    /// Opens the store (migrating it) and imports NanoClaw's legacy JSON state files, once per context: the first-run
    /// checks and the daemon share the open (issue 16: a second open cost ~35 ms of every daemon start). A failed
    /// open is not remembered, so the next call tries again.
    /// </summary>
    public NanoClawStore OpenStore()
    {
        lock (storeGate)
        {
            if (store is not null) return store;
            var opened = NanoClawStore.Open(Options.Paths.StoreDir, Options.Assistant.Name, Log);
            LegacyJsonImport.Run(Options.Paths.DataDir, opened, Log);
            return store = opened;
        }
    }

    private readonly Lock storeGate = new();
    private NanoClawStore? store;

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    /// <summary>Closes the store this context opened (its WAL folded into the database file), then flushes the log.</summary>
    public void Dispose()
    {
        lock (storeGate) store?.Close();
        Log.Dispose();
    }
}
