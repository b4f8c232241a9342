using System.Collections;
using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.Containers;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Doctor;

/// <summary>
/// What the checks look at: the loaded configuration (or why it failed to load), the environment, the mount
/// allowlist's path and where progress goes. Caches the container runtime so the image check reuses it.
/// </summary>
public sealed class DoctorSession : IDisposable
{
    private readonly bool ownsContext;
    private Task<(Option<ContainerRuntime> Runtime, CliResult? Info)>? runtime;

    /// <param name="loaded">The loaded context, or the config error.</param>
    /// <param name="projectRoot">The config file's directory (known even when the file is invalid).</param>
    /// <param name="env">Environment variables.</param>
    /// <param name="allowlistPath">The mount allowlist file.</param>
    /// <param name="progress">Where notes on long steps go (standard error).</param>
    /// <param name="ownsContext">Dispose the context with the session.</param>
    public DoctorSession(Either<ConfigError, ShellContext> loaded, string projectRoot, IDictionary env, string allowlistPath, TextWriter progress, bool ownsContext)
    {
        Loaded = loaded;
        ProjectRoot = projectRoot;
        Env = env;
        AllowlistPath = allowlistPath;
        Progress = progress;
        this.ownsContext = ownsContext;
    }

    /// <summary>Loads the configuration the way every command does, without failing on a bad file.</summary>
    public static DoctorSession Load(string configPath, bool mustExist, IDictionary env, string allowlistPath, TextWriter progress)
    {
        var root = Path.GetDirectoryName(Path.GetFullPath(configPath)) ?? Directory.GetCurrentDirectory();
        var loaded = ShellContext.Load(configPath, mustExist, env, logToFile: false);
        return new DoctorSession(loaded, root, env, allowlistPath, progress, ownsContext: true) { ConfigPath = configPath };
    }

    public Either<ConfigError, ShellContext> Loaded { get; }
    public string ProjectRoot { get; }
    public IDictionary Env { get; }
    public string AllowlistPath { get; }
    public TextWriter Progress { get; }

    /// <summary>The config file as the user named it (for messages).</summary>
    public string ConfigPath { get; init; } = ConfigLoader.DefaultConfigFile;

    public string? Variable(string name) => Env[name] as string;

    /// <summary>The configured runtime and its answer to <c>info</c>; asked once per session.</summary>
    public Task<(Option<ContainerRuntime> Runtime, CliResult? Info)> RuntimeAsync(NanoClawOptions options, CancellationToken ct) =>
        runtime ??= DetectAsync(options, ct);

    private async Task<(Option<ContainerRuntime>, CliResult?)> DetectAsync(NanoClawOptions options, CancellationToken ct)
    {
        // NANOCLAW_CONTAINER_EXECUTABLE points the chosen runtime at another program, as for the daemon.
        var executable = Variable("NANOCLAW_CONTAINER_EXECUTABLE");
        await Progress.WriteLineAsync($"doctor: asking the container runtime ({options.Container.Runtime.ToString().ToLowerInvariant()})...");
        var found = await ContainerRuntime.DetectAsync(options.Container.Runtime, Serilog.Core.Logger.None, TimeProvider.System,
            string.IsNullOrEmpty(executable) ? null : _ => executable, ct);
        if (found.Case is not ContainerRuntime rt) return (None, null);
        return (Some(rt), await rt.InfoAsync(ct));
    }

    public void Dispose()
    {
        if (ownsContext) Loaded.IfRight(c => c.Dispose());
    }
}
