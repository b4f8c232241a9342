using LanguageExt;
using NanoClaw.Core.Config;
using NanoClaw.Core.Containers;
using NanoClaw.Shell.Config;
using NanoClaw.Shell.Containers;
using NanoClaw.Shell.Store;
using NanoClaw.Shell.WhatsApp.Sidecar;

namespace NanoClaw.Shell.Doctor;

/// <summary>
/// The prerequisites of a working installation, in the order a newcomer sets them up. Each check reads, never
/// repairs (the store check migrates, as every command that opens the store does), and names the one fix.
/// </summary>
public static class DoctorChecks
{
    public const string Config = "config";
    public const string Credentials = "credentials";
    public const string Runtime = "runtime";
    public const string Image = "image";
    public const string Sidecar = "sidecar";
    public const string WhatsApp = "whatsapp";
    public const string Telegram = "telegram";
    public const string Store = "store";
    public const string MainGroup = "main-group";
    public const string Allowlist = "allowlist";
    public const string Disk = "disk";
    public const string FileModes = "file-modes";
    public const string Transcription = "transcription";

    private delegate Task<CheckResult> Check(DoctorSession session, CancellationToken ct);

    private static readonly (string Name, Check Run)[] Ordered =
    [
        (Config, (s, _) => Task.FromResult(ConfigValid(s))),
        (Credentials, (s, _) => Task.FromResult(WithConfig(s, Credentials, c => CredentialsPresent(c)))),
        (Runtime, (s, ct) => WithConfigAsync(s, Runtime, c => RuntimeReachableAsync(s, c, ct))),
        (Image, (s, ct) => WithConfigAsync(s, Image, c => ImagePresentAsync(s, c, ct))),
        (Sidecar, (s, ct) => WithConfigAsync(s, Sidecar, c => SidecarInstalledAsync(s, c, ct))),
        (WhatsApp, (s, _) => Task.FromResult(WithConfig(s, WhatsApp, WhatsAppLinked))),
        (Telegram, (s, ct) => WithConfigAsync(s, Telegram, c => TelegramBotAnswersAsync(c, ct))),
        (Store, (s, _) => Task.FromResult(WithConfig(s, Store, c => StoreMigrates(s, c)))),
        (MainGroup, (s, _) => Task.FromResult(WithConfig(s, MainGroup, MainGroupRegistered))),
        (Allowlist, (s, _) => Task.FromResult(AllowlistParses(s))),
        (Disk, (s, _) => Task.FromResult(WithConfig(s, Disk, DiskWritable))),
        (FileModes, (s, _) => Task.FromResult(WithConfig(s, FileModes, PrivateModes))),
        (Transcription, (s, _) => Task.FromResult(WithConfig(s, Transcription, TranscriptionConfigured))),
    ];

    /// <summary>Every check's name, in report order.</summary>
    public static IReadOnlyList<string> Names { get; } = Ordered.Select(c => c.Name).ToArray();

    /// <summary>The checks the first run of the daemon needs, in the order to fix them.</summary>
    public static IReadOnlyList<string> FirstRun { get; } = [Credentials, Runtime, Image, Sidecar, WhatsApp, MainGroup];

    /// <summary>Runs the named checks (all when none are named), in report order.</summary>
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(DoctorSession session, IReadOnlyCollection<string> only, CancellationToken ct)
    {
        var results = new List<CheckResult>();
        foreach (var (name, run) in Ordered)
        {
            if (only.Count > 0 && !only.Contains(name)) continue;
            try
            {
                results.Add(await run(session, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                results.Add(CheckResult.Fail(name, "the check itself failed: " + FirstLine(e.Message), "run: nanoclaw doctor --check " + name + " (and report it if it persists)"));
            }
        }
        return results;
    }

    // Without a transcriber voice notes still reach the agent (the prompt says one arrived untranscribed): so an
    // unset URL is an informational line (the skip mark), never a failure. The URL is shown without user info or query.
    private static CheckResult TranscriptionConfigured(ShellContext c)
    {
        var url = c.Options.Media.TranscriptionUrl;
        if (url.Length == 0)
            return CheckResult.Skip(Transcription, "voice notes are not transcribed (the agent is told one arrived without a transcript); " +
                "to turn it on set media.transcription_url in config.yml (an OpenAI-compatible service: https://api.openai.com, " +
                "https://api.groq.com/openai or a local whisper server) and transcription_api_key in credentials.yml");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return CheckResult.Fail(Transcription, "media.transcription_url is not an http:// or https:// URL",
                "set media.transcription_url in config.yml to the service's base URL (e.g. https://api.openai.com), or \"\" to turn transcription off");
        var key = c.Credentials.TranscriptionApiKey.Exists(v => v.Trim().Length > 0);
        return CheckResult.Pass(Transcription,
            $"voice notes are transcribed by {uri.Scheme}://{uri.Authority}{uri.AbsolutePath.TrimEnd('/')}/v1/audio/transcriptions (model {c.Options.Media.TranscriptionModel}); " +
            (key ? "transcription_api_key set (value not shown)" : "no transcription_api_key (fine for a local server without one)"));
    }

    // Store, WhatsApp keys, logs, data and credentials readable by other local accounts (F10).
    private static CheckResult PrivateModes(ShellContext c)
    {
        if (OperatingSystem.IsWindows()) return CheckResult.Skip(FileModes, "not checked on Windows");
        var open = Security.PrivateFiles.TooOpen(Security.PrivateFiles.Expected(c.Options, c.ProjectRoot));
        if (open.Count == 0) return CheckResult.Pass(FileModes, "store, auth, logs, data and credentials.yml are private to " + Environment.UserName);
        var dirs = open.Where(x => x.Entry.IsDirectory).Select(x => Quote(x.Entry.Path)).ToList();
        var files = open.Where(x => !x.Entry.IsDirectory).Select(x => Quote(x.Entry.Path)).ToList();
        var fix = string.Join(" && ", new[]
        {
            dirs.Count > 0 ? "chmod 700 " + string.Join(' ', dirs) : null,
            files.Count > 0 ? "chmod 600 " + string.Join(' ', files) : null,
        }.Where(x => x is not null));
        return CheckResult.Fail(FileModes,
            "readable by other accounts: " + string.Join(", ", open.Select(x => $"{x.Entry.Path} ({Security.PrivateFiles.Octal(x.Actual)}, want {x.Entry.ModeText})")),
            fix + " (a running daemon also tightens them at its next start)");
    }

    private static string Quote(string path) => path.Any(ch => char.IsWhiteSpace(ch) || ch is '\'' or '"' or '$' or '`' or '\\')
        ? "'" + path.Replace("'", "'\\''") + "'"
        : path;

    private static CheckResult ConfigValid(DoctorSession s) => s.Loaded.Match(
        c => File.Exists(Path.Combine(c.ProjectRoot, ConfigLoader.DefaultConfigFile)) || s.ConfigPath != ConfigLoader.DefaultConfigFile
            ? CheckResult.Pass(Config, $"{s.ConfigPath} is valid (project root {c.ProjectRoot})")
            : CheckResult.Pass(Config, $"no config.yml in {c.ProjectRoot}: using the defaults"),
        e => CheckResult.Fail(Config, e.Message, "correct that value (the README's Configuration section lists every key), then run: nanoclaw doctor"));

    private static CheckResult WithConfig(DoctorSession s, string name, Func<ShellContext, CheckResult> check) =>
        s.Loaded.Match(check, _ => CheckResult.Skip(name, "not checked: the configuration does not load"));

    private static Task<CheckResult> WithConfigAsync(DoctorSession s, string name, Func<ShellContext, Task<CheckResult>> check) =>
        s.Loaded.Match(check, _ => Task.FromResult(CheckResult.Skip(name, "not checked: the configuration does not load")));

    private static CheckResult CredentialsPresent(ShellContext c)
    {
        var set = new (string Key, Option<string> Value)[]
        {
            ("anthropic_api_key", c.Credentials.AnthropicApiKey),
            ("claude_code_oauth_token", c.Credentials.ClaudeCodeOauthToken),
            ("anthropic_auth_token", c.Credentials.AnthropicAuthToken),
        }.Where(x => x.Value.Exists(v => v.Trim().Length > 0)).Select(x => x.Key).ToList();
        var file = Path.Combine(c.ProjectRoot, ConfigLoader.CredentialsFile);
        if (set.Count > 0)
            return CheckResult.Pass(Credentials, $"{string.Join(", ", set)} set (values not shown)" +
                (c.Options.Container.CredentialProxy ? "; containers reach the API only through the credential proxy" : "; WARNING: " + CredentialProxy.ContainerCredentials.OptOutWarning));
        return CheckResult.Fail(Credentials,
            File.Exists(file) ? "credentials.yml has no API key or token" : "no credentials.yml",
            (File.Exists(file) ? "" : "install -m 600 credentials.yml.dist credentials.yml, then ") +
            "set anthropic_api_key (or claude_code_oauth_token from `claude setup-token`) in credentials.yml");
    }

    private static async Task<CheckResult> RuntimeReachableAsync(DoctorSession s, ShellContext c, CancellationToken ct)
    {
        var (found, info) = await s.RuntimeAsync(c.Options, ct);
        if (found.Case is not ContainerRuntime rt || info is null)
            return CheckResult.Fail(Runtime, $"no container runtime found ({Tried(c.Options.Container.Runtime)})", InstallRuntimeFix());
        if (info.Ok)
        {
            // Which way containers reach the credential proxy depends on the runtime (issue 14): say it, or why it cannot work.
            if (!c.Options.Container.CredentialProxy) return CheckResult.Pass(Runtime, $"{rt.Executable} answers ({rt.Cli.ToString().ToLowerInvariant()})");
            return ProxyTransportPlan.Choose(c.Options.Container, rt.Cli, OperatingSystem.IsLinux()).Match(
                plan => CheckResult.Pass(Runtime, $"{rt.Executable} answers ({rt.Cli.ToString().ToLowerInvariant()}); credential proxy: {plan.Describe()}"),
                reason => CheckResult.Fail(Runtime, $"{rt.Executable} answers, but the credential proxy cannot reach its containers: {reason}",
                    "change container.proxy_transport or container.network in config.yml as the message says, then run: nanoclaw doctor --check runtime"));
        }
        if (info.ExitCode == -1 && info.StandardError.StartsWith("cannot start", StringComparison.Ordinal))
            return CheckResult.Fail(Runtime, $"{rt.Executable} is not installed", InstallRuntimeFix());
        return CheckResult.Fail(Runtime, $"{rt.Executable} is installed but does not answer ({info.Reason})", StartRuntimeFix(rt.Cli))
            with { DaemonWaits = true };
    }

    private static string Tried(ContainerRuntimeKind kind) =>
        "tried " + string.Join(", ", RuntimeCommand.Candidates(kind).Map(RuntimeCommand.Executable));

    private static string InstallRuntimeFix() => OperatingSystem.IsMacOS()
        ? "install Docker Desktop (or Apple Container) and start it, then run: nanoclaw doctor --check runtime"
        : "install Podman: sudo apt-get install -y podman (or Docker), then run: nanoclaw doctor --check runtime";

    private static string StartRuntimeFix(ContainerCli cli) => cli switch
    {
        ContainerCli.Apple => "start it: container system start",
        ContainerCli.Docker => "start it: sudo systemctl start docker (and add yourself to the docker group)",
        _ => "run `podman info` to see why (rootless Podman needs /etc/subuid and /etc/subgid entries for you)",
    };

    private static async Task<CheckResult> ImagePresentAsync(DoctorSession s, ShellContext c, CancellationToken ct)
    {
        var image = c.Options.Container.Image;
        const string build = "build it: bash container/build.sh";
        var (found, info) = await s.RuntimeAsync(c.Options, ct);
        if (found.Case is not ContainerRuntime rt || info is not { Ok: true })
            return CheckResult.Fail(Image, $"{image}: cannot be looked for without a working container runtime", "fix the runtime first, then " + build);
        await s.Progress.WriteLineAsync($"doctor: looking for the agent image {image}...");
        var inspect = await ProcessRunner.RunAsync(rt.Executable, ["image", "inspect", image], TimeSpan.FromSeconds(60), ct);
        return inspect.Ok
            ? CheckResult.Pass(Image, $"{image} is present")
            : CheckResult.Fail(Image, $"{image} is not in {rt.Executable}'s images", build + " (a few minutes, once)");
    }

    private static SidecarOptions SidecarOf(DoctorSession s, ShellContext c) =>
        SidecarOptions.Locate(c.ProjectRoot, c.Options.Paths.StoreDir, s.Variable);

    private static async Task<CheckResult> SidecarInstalledAsync(DoctorSession s, ShellContext c, CancellationToken ct)
    {
        if (!c.Options.Channels.WhatsApp) return CheckResult.Skip(Sidecar, "WhatsApp is off (channels.whatsapp: false)");
        var sidecar = SidecarOf(s, c);
        var node = await ProcessRunner.RunAsync(sidecar.NodePath, ["--version"], TimeSpan.FromSeconds(15), ct);
        if (!node.Ok) return CheckResult.Fail(Sidecar, $"Node.js is missing ({sidecar.NodePath}: {node.Reason})",
            "install Node.js 20 or newer (https://nodejs.org or your package manager), then: " + SidecarOptions.InstallCommand);
        if (!File.Exists(Path.Combine(sidecar.Directory, sidecar.EntryScript)))
            return CheckResult.Fail(Sidecar, $"the WhatsApp sidecar is not in {sidecar.Directory}",
                "run nanoclaw in the NanoClaw checkout (it holds NanoClaw.Shell/WhatsApp/sidecar), or set NANOCLAW_SIDECAR_DIR to the sidecar folder");
        return sidecar.MissingPieces() is not null
            ? CheckResult.Fail(Sidecar, $"the WhatsApp sidecar's npm packages are not installed ({sidecar.Directory})", SidecarOptions.InstallCommand)
            : CheckResult.Pass(Sidecar, $"WhatsApp sidecar ready (node {node.StandardOutput.Trim()})");
    }

    private static CheckResult WhatsAppLinked(ShellContext c)
    {
        if (!c.Options.Channels.WhatsApp) return CheckResult.Skip(WhatsApp, "WhatsApp is off (channels.whatsapp: false)");
        var creds = Path.Combine(c.Options.Paths.StoreDir, "auth", "creds.json");
        return File.Exists(creds)
            ? CheckResult.Pass(WhatsApp, $"linked (auth in {Path.GetDirectoryName(creds)})")
            : CheckResult.Fail(WhatsApp, "WhatsApp is not linked", "nanoclaw auth whatsapp  (or: nanoclaw auth whatsapp --phone +NUMBER for a pairing code)");
    }

    // Only the bot's name and the base URL are shown: the token is in the request URL, so never any exception text.
    private static async Task<CheckResult> TelegramBotAnswersAsync(ShellContext c, CancellationToken ct)
    {
        var telegram = c.Options.Channels.Telegram;
        if (!telegram.Enabled) return CheckResult.Skip(Telegram, "Telegram is off (channels.telegram: false)");
        if (c.Credentials.TelegramBotToken.Case is not string token)
            return CheckResult.Fail(Telegram, "channels.telegram is on but credentials.yml has no telegram_bot_token",
                "create a bot with @BotFather (/newbot), then: nanoclaw auth telegram --token TOKEN");
        var status = await Setup.TelegramTokenCheck.GetMeAsync(token, telegram.ApiBaseUrl, TimeSpan.FromSeconds(15), ct);
        if (status.Username is { } name) return CheckResult.Pass(Telegram, $"bot @{name} answers at {telegram.ApiBaseUrl} (token not shown)");
        return status.RefusedCode is { } code
            ? CheckResult.Fail(Telegram, $"Telegram refused the bot token ({code})",
                "copy the token again from @BotFather (/mybots → your bot → API Token), then: nanoclaw auth telegram --token TOKEN")
            : CheckResult.Fail(Telegram, $"no answer from the Bot API at {telegram.ApiBaseUrl} ({status.Unreachable})",
                "check the network (the daemon keeps retrying), or channels.telegram_api_base_url in config.yml");
    }

    private static CheckResult StoreMigrates(DoctorSession s, ShellContext c)
    {
        var path = Path.Combine(c.Options.Paths.StoreDir, NanoClawStore.DatabaseFileName);
        if (!File.Exists(path)) return CheckResult.Pass(Store, $"no store yet: nanoclaw run creates {path}");
        var size = new FileInfo(path).Length;
        if (size > 20L * 1024 * 1024)
            s.Progress.WriteLine($"doctor: opening and migrating {path} ({size / (1024.0 * 1024):0.#} MB); a large store can take a while...");
        try
        {
            var store = c.OpenStore();
            return CheckResult.Pass(Store, $"{path} is migrated ({store.Groups.All().Count} groups, {store.Tasks.ListAll().Count} tasks)");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return CheckResult.Fail(Store, $"{path} does not open: {FirstLine(e.Message)}",
                $"restore it from a backup, or move it aside (mv {path} {path}.broken) to start with an empty store");
        }
    }

    private static CheckResult MainGroupRegistered(ShellContext c)
    {
        const string fix = "nanoclaw auth whatsapp registers your own chat as main when it links; nanoclaw auth telegram prints a code " +
                           "that makes your private chat with the bot main; or: nanoclaw groups register --main --jid JID --name Main --folder main";
        var path = Path.Combine(c.Options.Paths.StoreDir, NanoClawStore.DatabaseFileName);
        var localMain = !c.Options.Channels.WhatsApp && c.Options.Channels.LocalChat;
        var ownChat = c.Options.Channels.WhatsApp && File.Exists(Path.Combine(c.Options.Paths.StoreDir, "auth", "creds.json"));
        var pairing = c.Options.Channels.Telegram.Enabled &&
                      new Pairing.PairingCodeFile(c.Options.Paths.StoreDir).Read().Exists(p => p.ExpiresAt > DateTimeOffset.UtcNow);
        CheckResult NoneYet(string why) =>
            pairing ? CheckResult.Pass(MainGroup, "none yet: send the code from nanoclaw auth telegram to the bot in a private chat")
            : localMain ? CheckResult.Pass(MainGroup, "none yet: the daemon registers the local chat local:main as main when it starts")
            : ownChat ? CheckResult.Pass(MainGroup, "none yet: your own WhatsApp chat becomes main when the daemon connects")
            : CheckResult.Fail(MainGroup, why, fix);
        if (!File.Exists(path)) return NoneYet("no main group (there is no store yet)");
        try
        {
            var main = c.OpenStore().Groups.All().Find(g => g.IsMain);
            return main.Match(
                g => CheckResult.Pass(MainGroup, $"{g.Name} ({g.Jid}, folder {g.Folder})"),
                () => NoneYet("no main group is registered"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return CheckResult.Fail(MainGroup, "cannot read the store: " + FirstLine(e.Message), "see the store check");
        }
    }

    private static CheckResult AllowlistParses(DoctorSession s)
    {
        if (!File.Exists(s.AllowlistPath))
            return CheckResult.Pass(Allowlist, $"no mount allowlist ({s.AllowlistPath}): groups get no additional mounts");
        try
        {
            return MountAllowlist.Parse(File.ReadAllText(s.AllowlistPath)).Match(
                list => CheckResult.Pass(Allowlist, $"{s.AllowlistPath}: {list.AllowedRoots.Count} allowed roots"),
                reason => CheckResult.Fail(Allowlist, $"{s.AllowlistPath}: {reason}",
                    $"correct {s.AllowlistPath} (format in the README's security section) or delete it to allow no additional mounts"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CheckResult.Fail(Allowlist, $"{s.AllowlistPath} cannot be read: {e.Message}", $"make it readable: chmod u+r {s.AllowlistPath}");
        }
    }

    private static CheckResult DiskWritable(ShellContext c)
    {
        var dirs = new[] { c.Options.Paths.GroupsDir, c.Options.Paths.DataDir, c.Options.Paths.StoreDir };
        var problems = dirs.Select(d => (Dir: d, Problem: WriteProblem(d))).Where(x => x.Problem is not null).ToList();
        return problems.Count == 0
            ? CheckResult.Pass(Disk, "groups/, data/ and store/ are writable")
            : CheckResult.Fail(Disk, string.Join("; ", problems.Select(p => $"{p.Dir}: {p.Problem}")),
                $"make them writable by {Environment.UserName}: sudo chown -R {Environment.UserName} {string.Join(' ', problems.Select(p => p.Dir))}");
    }

    /// <summary>Null when a file can be created in <paramref name="dir"/> (or, before it exists, in its nearest existing parent).</summary>
    private static string? WriteProblem(string dir)
    {
        var existing = dir;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) return "is a file, not a directory";
            existing = Path.GetDirectoryName(existing);
            if (existing is null) return "no parent directory exists";
        }
        var probe = Path.Combine(existing, $".nanoclaw-doctor-{Environment.ProcessId}");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return existing == dir ? "not writable" : $"cannot be created ({existing} is not writable)";
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
