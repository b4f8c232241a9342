using System.Text.RegularExpressions;
using NanoClaw.Tests.Shell.Config;

namespace NanoClaw.Tests.Cli;

/// <summary><c>nanoclaw doctor</c> in an empty directory (everything missing, each with its fix) and in a prepared one (all pass).</summary>
public sealed class DoctorCommandTests : IDisposable
{
    private const string Image = "nanoclaw-agent:latest";
    private readonly CliProject project = new();

    /// <summary>The report line of one check: mark, name, detail.</summary>
    private static Match Line(string stdout, string check) =>
        Regex.Match(stdout, $@"(?m)^(?<mark>✓|✗|-|ok|FAIL|skip)\s+{Regex.Escape(check)}\s+(?<detail>.+)$");

    private static string Mark(string stdout, string check)
    {
        var m = Line(stdout, check);
        Assert.True(m.Success, $"no line for {check} in:\n{stdout}");
        return m.Groups["mark"].Value switch { "✓" or "ok" => "pass", "✗" or "FAIL" => "fail", _ => "skip" };
    }

    /// <summary>The fix printed under a failed check.</summary>
    private static string Fix(string stdout, string check)
    {
        var m = Regex.Match(stdout, $@"(?m)^(✗|FAIL)\s+{Regex.Escape(check)}\s+.+\r?\n\s+fix: (?<fix>.+)$");
        Assert.True(m.Success, $"no fix under {check} in:\n{stdout}");
        return m.Groups["fix"].Value;
    }

    [Fact]
    public void In_an_empty_directory_every_missing_prerequisite_is_listed_with_its_fix()
    {
        project.UseMissingRuntime();

        var result = project.Run("doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("pass", Mark(result.StdOut, "config")); // no config.yml: the defaults
        Assert.Contains("install -m 600 credentials.yml.dist credentials.yml", Fix(result.StdOut, "credentials"));
        Assert.Contains("install Podman", Fix(result.StdOut, "runtime"));
        Assert.Contains("bash container/build.sh", Fix(result.StdOut, "image"));
        Assert.Contains("NANOCLAW_SIDECAR_DIR", Fix(result.StdOut, "sidecar"));
        Assert.Contains("nanoclaw auth whatsapp", Fix(result.StdOut, "whatsapp"));
        Assert.Contains("nanoclaw groups register --main", Fix(result.StdOut, "main-group"));
        foreach (var check in new[] { "store", "allowlist", "disk", "file-modes" }) Assert.Equal("pass", Mark(result.StdOut, check));
        Assert.Contains("6 of 13 checks failed", result.StdOut);
        Assert.Equal("skip", Mark(result.StdOut, "telegram")); // off by default
        Assert.Equal("skip", Mark(result.StdOut, "transcription")); // off by default: informational, not a failure
        // Looking is not setting up: the doctor creates nothing in the directory.
        Assert.Equal(["home"], Directory.GetFileSystemEntries(project.Root).Select(p => Path.GetFileName(p)!).ToArray());
        Assert.Contains("doctor: asking the container runtime", result.StdErr);
    }

    /// <summary>Config, credentials, fake runtime with the image, linked WhatsApp with an installed sidecar, a store with main, an allowlist.</summary>
    private void Prepare()
    {
        project.WithConfig($"container:\n  runtime: podman\n  image: {Image}\n").WithCredentials();
        project.UseFakeRuntime(answers: true, Image);
        var sidecar = Path.Combine(project.Root, "sidecar");
        Directory.CreateDirectory(Path.Combine(sidecar, "src"));
        File.WriteAllText(Path.Combine(sidecar, "src", "main.mjs"), "");
        File.WriteAllText(Path.Combine(sidecar, "package.json"), "{}");
        Directory.CreateDirectory(Path.Combine(sidecar, "node_modules"));
        project.Env["NANOCLAW_SIDECAR_DIR"] = sidecar;
        var node = Path.Combine(project.Root, "fake-node");
        File.WriteAllText(node, "#!/bin/sh\necho v22.0.0\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(node, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        project.Env["NANOCLAW_NODE"] = node;
        Directory.CreateDirectory(Path.Combine(project.StoreDir, "auth"));
        File.WriteAllText(Path.Combine(project.StoreDir, "auth", "creds.json"), "{}");
        Assert.Equal(0, project.Run("groups", "register", "--main", "--jid", "15551234567@s.whatsapp.net", "--name", "Me", "--folder", "main").ExitCode);
        Directory.CreateDirectory(Path.GetDirectoryName(project.AllowlistPath)!);
        File.WriteAllText(project.AllowlistPath, """{"allowedRoots":[{"path":"~/projects","allowReadWrite":true}],"blockedPatterns":["secrets"],"nonMainReadOnly":true}""");
        // As scripts/run.sh and the daemon's first start leave them (F10).
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(Path.Combine(project.Root, "credentials.yml"), NanoClaw.Shell.Security.PrivateFiles.FileMode);
        foreach (var dir in new[] { project.StoreDir, Path.Combine(project.StoreDir, "auth") })
            File.SetUnixFileMode(dir, NanoClaw.Shell.Security.PrivateFiles.DirectoryMode);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Store_auth_and_credentials_readable_by_other_accounts_fail_with_the_chmod_that_fixes_them()
    {
        Prepare();
        var open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(Path.Combine(project.Root, "credentials.yml"), open);
        File.SetUnixFileMode(Path.Combine(project.StoreDir, "auth"), open | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        var result = project.Run("doctor", "--check", "file-modes");

        Assert.Equal(1, result.ExitCode);
        var detail = Line(result.StdOut, "file-modes").Groups["detail"].Value;
        Assert.Contains("credentials.yml (0644, want 0600)", detail);
        Assert.Contains("auth (0755, want 0700)", detail);
        var fix = Fix(result.StdOut, "file-modes");
        Assert.Contains($"chmod 700 {Path.Combine(project.StoreDir, "auth")}", fix);
        Assert.Contains($"chmod 600 {Path.Combine(project.Root, "credentials.yml")}", fix);

        var chmod = System.Diagnostics.Process.Start("sh", ["-c", fix[..fix.IndexOf(" (", StringComparison.Ordinal)]])!;
        chmod.WaitForExit();
        Assert.Equal("pass", Mark(project.Run("doctor", "--check", "file-modes").StdOut, "file-modes"));
    }

    [Fact]
    [Trait("Category", "Media")]
    public void Transcription_off_is_an_informational_line_saying_how_to_turn_it_on_and_on_names_the_endpoint()
    {
        var off = project.Run("doctor", "--check", "transcription");
        Assert.True(off.ExitCode == 0, off.StdOut + off.StdErr);
        Assert.Equal("skip", Mark(off.StdOut, "transcription"));
        var offDetail = Line(off.StdOut, "transcription").Groups["detail"].Value;
        Assert.Contains("voice notes are not transcribed", offDetail);
        Assert.Contains("set media.transcription_url in config.yml", offDetail);
        Assert.Contains("transcription_api_key in credentials.yml", offDetail);

        project.WithConfig("media:\n  transcription_url: https://someone:hunter2@api.groq.com/openai/\n  transcription_model: whisper-large-v3\n")
            .WithCredentials("transcription_api_key: gsk-not-real-key\n");
        var on = project.Run("doctor", "--check", "transcription");
        Assert.True(on.ExitCode == 0, on.StdOut + on.StdErr);
        Assert.Equal("pass", Mark(on.StdOut, "transcription"));
        var onDetail = Line(on.StdOut, "transcription").Groups["detail"].Value;
        Assert.Contains("https://api.groq.com/openai/v1/audio/transcriptions (model whisper-large-v3)", onDetail);
        Assert.Contains("transcription_api_key set", onDetail);
        Assert.DoesNotContain("hunter2", on.StdOut + on.StdErr);
        Assert.DoesNotContain("gsk-not-real-key", on.StdOut + on.StdErr);

        // A URL that does not parse stops the configuration from loading: the config check fails and names the key.
        project.WithConfig("media:\n  transcription_url: not a url\n");
        var bad = project.Run("doctor", "--check", "config", "--check", "transcription");
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("fail", Mark(bad.StdOut, "config"));
        Assert.Contains("media.transcription_url", Line(bad.StdOut, "config").Groups["detail"].Value);
        Assert.Equal("skip", Mark(bad.StdOut, "transcription"));
    }

    [Fact]
    public void In_a_prepared_directory_every_check_passes()
    {
        Prepare();

        var result = project.Run("doctor");

        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        foreach (var check in new[] { "config", "credentials", "runtime", "image", "sidecar", "whatsapp", "store", "main-group", "allowlist", "disk", "file-modes" })
            Assert.Equal("pass", Mark(result.StdOut, check));
        Assert.Contains("All 11 checks passed.", result.StdOut);
        Assert.Contains("Me (15551234567@s.whatsapp.net, folder main)", Line(result.StdOut, "main-group").Groups["detail"].Value);
        Assert.DoesNotContain("sk-ant-test-key-not-real", result.StdOut + result.StdErr);
        Assert.Contains($"image inspect {Image}", File.ReadAllText(Path.Combine(project.Root, "fake-runtime.log")));
    }

    [Fact]
    public void Check_image_runs_only_that_check_and_fails_when_the_image_is_missing()
    {
        Prepare();
        project.UseFakeRuntime(answers: true, "some-other-image:latest");

        var result = project.Run("doctor", "--check", "image");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(Regex.Matches(result.StdOut, @"(?m)^(✓|✗|-|ok|FAIL|skip) "));
        Assert.Equal("fail", Mark(result.StdOut, "image"));
        Assert.Equal("build it: bash container/build.sh (a few minutes, once)", Fix(result.StdOut, "image"));
        Assert.False(Line(result.StdOut, "config").Success);
    }

    [Fact]
    public void The_runtime_line_says_how_containers_reach_the_credential_proxy()
    {
        Prepare();
        var socket = project.Run("doctor", "--check", "runtime");
        Assert.Equal("pass", Mark(socket.StdOut, "runtime"));
        Assert.Contains("credential proxy: per-run unix socket", Line(socket.StdOut, "runtime").Groups["detail"].Value);

        project.WithConfig($"container:\n  runtime: podman\n  image: {Image}\n  proxy_transport: tcp\n");
        var tcp = project.Run("doctor", "--check", "runtime");
        Assert.Equal("pass", Mark(tcp.StdOut, "runtime"));
        Assert.Contains("credential proxy: tcp on 10.88.0.1:<any port> (containers use http://host.containers.internal:<port>",
            Line(tcp.StdOut, "runtime").Groups["detail"].Value);
    }

    [Fact]
    public void A_runtime_that_is_installed_but_down_says_how_to_start_it()
    {
        Prepare();
        project.UseFakeRuntime(answers: false, Image);

        var result = project.Run("doctor", "--check", "runtime", "--check", "image");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is installed but does not answer", Line(result.StdOut, "runtime").Groups["detail"].Value);
        Assert.Contains("podman info", Fix(result.StdOut, "runtime"));
        Assert.Equal("fail", Mark(result.StdOut, "image"));
    }

    [Fact]
    public void A_broken_allowlist_store_and_unlinked_whatsapp_each_fail_with_their_fix()
    {
        Prepare();
        File.WriteAllText(project.AllowlistPath, """{"allowedRoots": "everything"}""");
        File.Delete(Path.Combine(project.StoreDir, "auth", "creds.json"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.WriteAllText(project.DatabasePath, "not a database, just a note that is long enough to look like a page of text to SQLite");
        foreach (var f in Directory.GetFiles(project.StoreDir, "messages.db-*")) File.Delete(f);

        var result = project.Run("doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'allowedRoots' must be an array", Line(result.StdOut, "allowlist").Groups["detail"].Value);
        Assert.Contains("mv ", Fix(result.StdOut, "store"));
        Assert.Equal("fail", Mark(result.StdOut, "whatsapp"));
        Assert.Equal("pass", Mark(result.StdOut, "credentials"));
        Assert.False(NanoclawProcess.HasStackTrace(result.StdOut + result.StdErr), result.StdErr);
    }

    [Fact]
    public void A_bad_config_fails_its_check_and_skips_those_that_need_it()
    {
        project.WithConfig("container:\n  max_concurrent: lots\n");

        var result = project.Run("doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("fail", Mark(result.StdOut, "config"));
        Assert.Contains("max_concurrent", Line(result.StdOut, "config").Groups["detail"].Value);
        Assert.Equal("skip", Mark(result.StdOut, "runtime"));
        Assert.Equal("skip", Mark(result.StdOut, "credentials"));
    }

    [Fact]
    public void With_WhatsApp_off_its_checks_are_skipped_and_local_main_is_expected()
    {
        Prepare();
        project.WithConfig($"container:\n  runtime: podman\n  image: {Image}\nchannels:\n  whatsapp: false\n");

        var result = project.Run("doctor", "--check", "whatsapp", "--check", "sidecar");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("skip", Mark(result.StdOut, "whatsapp"));
        Assert.Equal("skip", Mark(result.StdOut, "sidecar"));
    }

    [Fact]
    public void An_unknown_check_name_is_a_usage_error()
    {
        var result = project.Run("doctor", "--check", "vibes");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("vibes", result.StdErr);
    }

    public void Dispose() => project.Dispose();
}
